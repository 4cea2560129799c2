// `pieces-backup history`: the shared run history, newest first.
import type { CliIO, GlobalOptions } from '../context.js';
import { configDirOf } from '../context.js';
import { openHistory } from '../../engine/history.js';
import { table } from '../output.js';
import { formatBytes } from '../../shared/format.js';
import { formatDateTimeIso } from '../../shared/time-format.js';
import { safeJson } from '../../shared/terminal-text.js';

export async function historyCommand(io: CliIO, g: GlobalOptions): Promise<number> {
  const entries = await openHistory(configDirOf(g)).list();
  if (g.json) {
    io.out(safeJson(entries) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    io.out('No runs recorded yet.\n');
    return 0;
  }
  const rows = entries.map((e) => [
    formatDateTimeIso(e.startedAt),
    e.trigger,
    e.result,
    e.bytes === undefined ? '' : formatBytes(e.bytes),
    e.error ? e.error.message : (e.backupId ?? ''),
  ]);
  io.out(table(['Started', 'Trigger', 'Result', 'Size', 'Detail'], rows));
  return 0;
}
