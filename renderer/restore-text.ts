// What the window says about a restore, as pure functions of the engine's state and history, so
// the wording lives in one place and reads the same in the progress line and the outcome.
import type { EngineState, HistoryEntry } from '../main/engine/types.js';
import { describeBackup } from './format.js';

type Running = NonNullable<EngineState['running']>;
export type RestoreTarget = NonNullable<Running['restoring']>;

/** "Making a safety backup… 42 %" / "Restoring… 42 %"; null for a run that is not a restore. */
export function restoreRunLine(r: Running): string | null {
  if (r.kind !== 'restore') return null;
  const what = r.phase === 'safety-backup' ? 'Making a safety backup' : 'Restoring';
  return r.percentage === null || !Number.isFinite(r.percentage) ? `${what}…` : `${what}… ${Math.round(r.percentage)} %`;
}

/** The line under the bar while a restore runs: which backup, and what happens next. */
export function restoreRunDetail(r: Running): string | null {
  if (r.kind !== 'restore' || !r.restoring) return null;
  const which = describeBackup(r.restoring);
  return r.phase === 'safety-backup'
    ? `Backing up the current data first; then the backup from ${which} replaces it.`
    : `Putting the backup from ${which} in place of the Pieces data on this computer.`;
}

export interface RestoreOutcome {
  ok: boolean;
  /** One sentence for the status line (announced by screen readers). */
  title: string;
  /** What happened in more words, and what to do. */
  detail: string;
  /** The safety backup failed: offer the restore again without one (the person's choice). */
  offerWithoutSafety: boolean;
}

/** How a restore run ended, from its history record. A restore replaces data, so every ending that
 * is not a success says plainly that the original data was kept. */
export function restoreOutcome(entry: HistoryEntry, target: RestoreTarget | null): RestoreOutcome {
  const which = target ? `the backup from ${describeBackup(target)}` : 'the backup';
  const message = entry.error?.message;
  if (entry.result === 'completed') {
    return {
      ok: true,
      title: `Restore complete: ${which} is now in place.`,
      detail: entry.safetyBackupId
        ? 'Pieces on this computer now has that backup’s data. What you had before is kept in the safety backup made just before it (the newest in the list).'
        : 'Pieces on this computer now has that backup’s data.',
      offerWithoutSafety: false,
    };
  }
  if (entry.phase === 'safety-backup') {
    const canceled = entry.result === 'canceled';
    return {
      ok: false,
      title: canceled
        ? 'Restore canceled during the safety backup: nothing was restored, and your Pieces data is unchanged.'
        : 'The restore did not start: the safety backup of your current data failed. Your Pieces data is unchanged.',
      detail: canceled
        ? 'Choose Restore… again when you are ready.'
        : message ?? 'The safety backup did not complete. Try again, or restore without a safety backup.',
      offerWithoutSafety: !canceled,
    };
  }
  if (entry.result === 'canceled') {
    return {
      ok: false,
      title: 'Restore canceled: your original data was kept.',
      detail: `${message ?? 'PiecesOS puts the original data back when a restore is canceled.'} Choose Restore… again when you are ready.`,
      offerWithoutSafety: false,
    };
  }
  return {
    ok: false,
    title: 'The restore failed: your original data was kept.',
    detail: message ?? 'PiecesOS puts the original data back when a restore fails. Check your data in Pieces, then choose Restore… again.',
    offerWithoutSafety: false,
  };
}
