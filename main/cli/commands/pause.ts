// `pieces-backup pause [1h|tomorrow|until-resumed]`: pauses automatic backups (schedule, catch-up,
// retries) for every process on the settings folder, exactly as the tray's Pause menu does: it
// saves the same `pausedUntil` setting, which a running app or daemon sees at once (the settings
// store watches the file). Manual backups (`create`, Back up now) still run.
import type { CliIO, GlobalOptions } from '../context.js';
import { RefusedError, configDirOf } from '../context.js';
import { pauseUntilValue, type PauseFor } from '../../engine/pause-until.js';
import { openSettings, SettingsReadOnlyError } from '../../settings/store.js';
import { dayDelta, formatClock, formatDayTime } from '../../shared/time-format.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

/** What a person types, and the tray's preset it means. */
export const PAUSE_CHOICES: Readonly<Record<string, PauseFor>> = { '1h': '1h', tomorrow: 'tomorrow', 'until-resumed': 'resume' };

/** "until 15:30" today, "until tomorrow 00:00", "until you resume them". */
export function pausedUntilText(value: string, now: Date): string {
  if (value === 'resume') return 'until you resume them';
  const end = new Date(value);
  return `until ${dayDelta(end, now) === 0 ? formatClock(end) : formatDayTime(end, now)}`;
}

/** Saves `pausedUntil` through the store every process shares; a folder that cannot be written is refused (exit 1). */
export async function savePause(g: GlobalOptions, value: string | null): Promise<void> {
  const store = openSettings({ configDir: configDirOf(g) });
  try {
    await store.setPause(value);
  } catch (e) {
    if (e instanceof SettingsReadOnlyError) throw new RefusedError('read-only', e.message);
    throw e;
  } finally {
    store.close();
  }
}

export async function pauseCommand(io: CliIO, g: GlobalOptions, choice: PauseFor): Promise<number> {
  const now = new Date();
  const value = pauseUntilValue(choice, now.getTime());
  await savePause(g, value);
  io.out(g.json ? safeJson({ pausedUntil: value }) + '\n' : `Automatic backups paused ${visible(pausedUntilText(value, now))}.\n`);
  return 0;
}
