// What a backup run does once it holds the lock: the streamed create, then (still under the lock)
// retention when it is on, and a fresh list for the window. Neither of the latter can turn a
// backup that was made into a failure.
import type { BackupsApi } from '../api/backups-api.js';
import { failureOf, isApiError } from '../api/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backup } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';
import type { DeletionRecord } from './history.js';
import type { DeviceIdentityStore } from './device-identity.js';
import { applyPrune, planPrune, type PrunePlan } from './prune.js';
import type { Run } from './run.js';
import type { RunError } from './types.js';

/** Said in the history and the log when PiecesOS completed a backup without naming it. */
/** Said in the history when the stream stalled or dropped but PiecesOS made the backup anyway. */
export const FINISHED_ANYWAY = 'The connection to PiecesOS ended before the backup finished, but PiecesOS finished it anyway; it was not made again.';

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

/** Retention (when on) and a fresh list for the window, after a backup `made` (null: unnamed).
 * Answers the ids retention deleted (for the run's history record). */
export async function afterBackup(api: BackupsApi, made: Backup | null, o: AfterBackupOptions): Promise<string[]> {
  const { policy, signal } = o;
  if (!policy.enabled || made === null) {
    // Without knowing which backup was just made, retention could delete it: skip it this time.
    if (policy.enabled) o.log('warn', `Retention did not run: ${UNNAMED_BACKUP}`);
    await api.list({ signal }).then(o.onBackups, () => undefined);
    return [];
  }
  let plan: PrunePlan;
  try {
    plan = await planPrune(api, policy, { identity: o.identity, now: o.now(), justMade: made.id, signal });
  } catch (e) {
    o.log('warn', `Retention did not run: the backup list could not be read (${failureOf(e).message}).`);
    return [];
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
  return [...gone];
}

/** Failures after which the backup may still have been made: the stream went away, PiecesOS may not have. */
const MAYBE_FINISHED: ReadonlySet<string> = new Set(['stalled', 'connection-lost']);
const FOLLOW_POLL_MS = 1000;
/** A backup still running after the stream dropped is followed while its progress moves at most this long apart. */
const FOLLOW_QUIET_MS = 60_000;

/** A backup whose stream stalled or dropped, which PiecesOS may have finished anyway: the id it
 * named while it ran, the ids that existed before it began (null when unknown), when it began. */
export interface MaybeMade {
  id: string | null;
  before: ReadonlySet<string> | null;
  startedAt: string;
}

/** What to ask PiecesOS later about a backup run that failed, or null when its failure says it was not made. */
export function maybeMade(run: Run, failure: unknown, before: ReadonlySet<string> | null): MaybeMade | null {
  if (run.canceledBy || run.signal.aborted || !isApiError(failure) || !MAYBE_FINISHED.has(failure.kind)) return null;
  return { id: run.creating, before, startedAt: run.startedAt };
}

/**
 * Did PiecesOS make the backup `m` anyway? Asked right after its stream stalled or dropped, and
 * again before its retry, so a backup that finished is recorded as made instead of being made
 * twice. With the id PiecesOS named while it ran: creation/status, followed (into `run`'s
 * progress) while it still moves; else the list compared with what existed before: exactly one
 * new backup of this device, made since the run began. The backup, or null when it did not
 * finish or nobody can tell.
 */
export async function finishedAnyway(api: BackupsApi, run: Run, m: MaybeMade, identity: DeviceIdentityStore): Promise<Backup | null> {
  try {
    if (m.id !== null) {
      let seen = '';
      let movedAt = Date.now();
      for (;;) {
        const s = await api.creationStatus(m.id, { signal: run.signal });
        if (s.status === 'COMPLETED') return s.backup;
        if (s.status !== 'IN-PROGRESS' && s.status !== 'INITIALIZED' && s.status !== 'RESET') return null;
        const now = `${s.status} ${s.percentage}`;
        if (now !== seen) {
          seen = now;
          movedAt = Date.now();
          run.progress({ status: s.status, percentage: s.percentage });
        } else if (Date.now() - movedAt >= Math.min(run.noProgressMs ?? FOLLOW_QUIET_MS, FOLLOW_QUIET_MS)) return null;
        await sleep(FOLLOW_POLL_MS, undefined, { signal: run.signal });
      }
    }
    if (m.before === null) return null;
    const mine = (await identity.known())?.name ?? null;
    const since = Date.parse(m.startedAt);
    const made = (await api.list({ signal: run.signal })).filter(
      (b) => !m.before!.has(b.id) && (mine === null || b.deviceName === mine) && !(Date.parse(b.created) < since - 60_000),
    );
    // Two new ones cannot be told apart: better a second backup than claiming the wrong one.
    return made.length === 1 ? made[0]! : null;
  } catch {
    return null;
  }
}
