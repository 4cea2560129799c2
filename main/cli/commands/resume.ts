// `pieces-backup resume`: ends a pause of automatic backups (the tray's Resume), for every process
// on the settings folder; a running app or daemon re-arms its schedule at once.
import type { CliIO, GlobalOptions } from '../context.js';
import { configDirOf } from '../context.js';
import { savePause } from './pause.js';
import { openSettings } from '../../settings/store.js';
import { safeJson } from '../../shared/terminal-text.js';

/** Whether a pause is in force now (one whose end has passed is over, even before an engine clears it). */
function pausedNow(value: string | null, now: number): boolean {
  return value === 'resume' || (value !== null && Date.parse(value) > now);
}

export async function resumeCommand(io: CliIO, g: GlobalOptions): Promise<number> {
  const store = openSettings({ configDir: configDirOf(g) });
  const before = store.get().pausedUntil;
  store.close();
  // Cleared even when it has ended already, so no stale value stays behind.
  if (before !== null) await savePause(g, null);
  const text = pausedNow(before, Date.now()) ? 'Automatic backups resumed.' : 'Automatic backups were not paused.';
  io.out(g.json ? safeJson({ pausedUntil: null }) + '\n' : `${text}\n`);
  return 0;
}
