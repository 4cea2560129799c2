// What a backup run does once it holds the lock: the streamed create, then (still under the lock)
// retention when it is on, and a fresh list for the window. Neither of the latter can turn a
// backup that was made into a failure.
import type { BackupsApi } from '../api/backups-api.js';
import { failureOf } from '../api/errors.js';
import type { Backup } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';
import type { DeletionRecord } from './history.js';
import type { DeviceIdentityStore } from './device-identity.js';
import { applyPrune, planPrune, type PrunePlan } from './prune.js';
import type { Run } from './run.js';
import type { RunError } from './types.js';

/** Said in the history and the log when PiecesOS completed a backup without naming it. */
export const UNNAMED_BACKUP = 'PiecesOS did not say which backup it made, so retention was skipped for this run (it never deletes without knowing the new backup).';

/** Make the backup: PiecesOS's streamed create, with the run's progress and limits. */
export async function makeBackup(api: BackupsApi, run: Run, identity: DeviceIdentityStore): Promise<Backup | null> {
  run.signal.throwIfAborted();
  const backup = await api.createStreamed({
    signal: run.signal,
    ...(run.noProgressMs === undefined ? {} : { noProgressTimeoutMs: run.noProgressMs }),
    onProgress: run.progress,
  });
  run.status = 'COMPLETED';
  run.percentage = 100;
  run.creating = null;
  // The device name on a backup this machine's own create returned is this computer's.
  if (backup) await identity.learnFromOwnBackup(backup.deviceName);
  return backup;
}

export interface AfterBackupOptions {
  policy: RetentionPolicy;
  identity: DeviceIdentityStore;
  now: () => Date;
  signal: AbortSignal;
  deletions?: { record(d: DeletionRecord): Promise<void> };
  log: (level: 'info' | 'warn', message: string) => void;
  onRetention(outcome: { deleted: Backup[]; failed: Array<{ id: string; error: RunError }> }): void;
  onBackups(list: Backup[]): void;
}

/** Retention (when on) and a fresh list for the window, after a backup `made` (null: unnamed). */
export async function afterBackup(api: BackupsApi, made: Backup | null, o: AfterBackupOptions): Promise<void> {
  const { policy, signal } = o;
  if (!policy.enabled || made === null) {
    // Without knowing which backup was just made, retention could delete it: skip it this time.
    if (policy.enabled) o.log('warn', `Retention did not run: ${UNNAMED_BACKUP}`);
    await api.list({ signal }).then(o.onBackups, () => undefined);
    return;
  }
  let plan: PrunePlan;
  try {
    plan = await planPrune(api, policy, { identity: o.identity, now: o.now(), justMade: made.id, signal });
  } catch (e) {
    o.log('warn', `Retention did not run: the backup list could not be read (${failureOf(e).message}).`);
    return;
  }
  if (plan.skipped) o.log('info', `Retention deleted nothing: ${plan.skipped}`);
  const outcome = await applyPrune(api, plan, policy, {
    ...(o.deletions ? { deletions: o.deletions } : {}),
    log: o.log,
    now: o.now,
    signal,
  });
  if (outcome.deleted.length || outcome.failed.length) o.onRetention(outcome);
  const gone = new Set(outcome.deleted.map((b) => b.id));
  o.onBackups(plan.list.filter((b) => !gone.has(b.id)));
}
