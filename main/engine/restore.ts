// A restore, as one procedure for the engine (window, tray) and `pieces-backup restore`: check that
// the backup exists, back up the current data first (unless the person chose not to), then restore
// over the local database with progress. A restore REPLACES local data, so nothing starts unless
// every earlier step succeeded: an unknown id starts nothing, a failed safety backup means no
// restore. The caller holds the backup lock and records the run; this module only does the work.
import type { BackupsApi, StreamOptions } from '../api/backups-api.js';
import { BackupsApiError, isApiError } from '../api/errors.js';
import type { Backup, BackupProgress } from '../api/wire.js';
import type { RestorePhase } from './types.js';

export interface RestoreInputs {
  api: BackupsApi;
  backupId: string;
  /** Back up the current data first (the `safetyBackupBeforeRestore` setting, CLI --no-safety-backup). */
  safetyBackup: boolean;
  signal: AbortSignal;
  /** The no-progress limit for each streamed step (ms). */
  noProgressTimeoutMs?: number;
  /** Every progress value, with the step it belongs to. */
  onProgress?: (phase: RestorePhase, p: BackupProgress) => void;
  /** Called when a step starts (with the backup to restore, once known). */
  onPhase?: (phase: RestorePhase, target: Backup) => void;
  /** A safety backup this machine made names this device (see device-identity.ts). */
  onSafetyBackup?: (b: Backup) => void | Promise<void>;
}

export interface RestoreOutcome {
  /** The backup now in place (what PiecesOS answered, else what was asked for). */
  restored: Backup;
  /** The safety backup made first; null when none was asked for, or PiecesOS did not name it. */
  safetyBackup: Backup | null;
}

/** A restore that did not complete, with the step it stopped on. `cause.kind` is the API error's. */
export class RestoreError extends Error {
  constructor(
    readonly phase: RestorePhase,
    override readonly cause: BackupsApiError,
    message: string,
    /** The backup the person asked to restore, when it was found. */
    readonly target: Backup | null,
    readonly safetyBackup: Backup | null = null,
  ) {
    super(message, { cause });
    this.name = 'RestoreError';
  }
  get kind(): BackupsApiError['kind'] {
    return this.cause.kind;
  }
}

const asApiError = (e: unknown): BackupsApiError =>
  isApiError(e) ? e : new BackupsApiError('bad-response', `Something unexpected went wrong (${e instanceof Error ? e.message : String(e)}).`);

/** The backup to restore: GET /backup/{id}, or the list when PiecesOS does not serve that route. */
export async function findBackup(api: BackupsApi, id: string, signal?: AbortSignal): Promise<Backup> {
  const opts = signal ? { signal } : {};
  try {
    return await api.get(id, opts);
  } catch (e) {
    // 404 means "no such backup" or "no such route" (an older PiecesOS): the list tells which.
    if (!isApiError(e) || e.kind !== 'http' || (e.status !== 404 && e.status !== 405)) throw e;
    const found = (await api.list(opts)).find((b) => b.id === id);
    if (found) return found;
    throw new BackupsApiError('http', `There is no backup with id ${JSON.stringify(id)}; list the backups to see which exist. Nothing was restored.`, { status: 404 });
  }
}

export async function runRestore(inputs: RestoreInputs): Promise<RestoreOutcome> {
  const { api, signal } = inputs;
  let target: Backup;
  try {
    target = await findBackup(api, inputs.backupId, signal);
  } catch (e) {
    const err = asApiError(e);
    throw new RestoreError('restore', err, err.message, null);
  }
  // The backup the safety step is making, once a progress value names it (so a cancel can reach it).
  let safetyInProgress: string | null = null;
  const stream = (phase: RestorePhase): StreamOptions => ({
    signal,
    ...(inputs.noProgressTimeoutMs !== undefined ? { noProgressTimeoutMs: inputs.noProgressTimeoutMs } : {}),
    onProgress: (p) => {
      if (phase === 'safety-backup' && p.backup) safetyInProgress = p.backup.id;
      inputs.onProgress?.(phase, p);
    },
  });

  let safety: Backup | null = null;
  if (inputs.safetyBackup) {
    inputs.onPhase?.('safety-backup', target);
    try {
      safety = await api.createStreamed(stream('safety-backup'));
    } catch (e) {
      const err = asApiError(e);
      // Closing the stream need not stop a backup PiecesOS is making: when it said which one,
      // cancel it too (best effort: 500 means it already ended).
      if (err.kind === 'canceled' && safetyInProgress !== null) await api.cancelCreation(safetyInProgress).catch(() => undefined);
      const message = err.kind === 'canceled'
        ? 'The safety backup was canceled, so the restore did not start; your Pieces data is unchanged.'
        : `The safety backup of your current data failed (${err.message}), so the restore did not start; your Pieces data is unchanged. Try again, or restore without a safety backup.`;
      throw new RestoreError('safety-backup', err, message, target);
    }
    if (safety) await inputs.onSafetyBackup?.(safety);
  }

  inputs.onPhase?.('restore', target);
  try {
    const restored = await api.restoreStreamed(target.id, target, stream('restore'));
    return { restored: restored ?? target, safetyBackup: safety };
  } catch (e) {
    const err = asApiError(e);
    const kept = 'PiecesOS keeps or puts back the original data when a restore fails or is canceled';
    const message = err.kind === 'canceled' ? err.message : `The restore failed (${err.message}); ${kept}. Check your data in Pieces, then try again.`;
    throw new RestoreError('restore', err, message, target, safety);
  }
}
