// Records a CLI run in the shared history. A history that cannot be written must not turn a
// successful backup into a failure, so problems are a warning on stderr.
import type { HistoryEntry } from '../engine/types.js';
import { openHistory } from '../engine/history.js';
import type { CliIO } from './context.js';

export async function recordCliRun(io: CliIO, configDir: string, entry: HistoryEntry): Promise<void> {
  try {
    await openHistory(configDir).record(entry);
  } catch (e) {
    io.err(`pieces-backup: warning: could not record this run in ${configDir}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
