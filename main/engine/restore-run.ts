// What a restore run does once it holds the backup lock: restore.ts's procedure (find the backup,
// a safety backup of the current data first when asked, then the restore), with its steps and
// progress in the run's state, and its history entry: trigger 'restore', `backupId` the backup
// restored, `safetyBackupId` the safety backup made first, `phase` the step it stopped on.
// A restore is never retried by itself and never waits for another process's lock: it replaces the
// person's data, so it happens only when they asked, now.
import type { BackupsApi } from '../api/backups-api.js';
import type { Backup } from '../api/wire.js';
import { failureOf } from '../api/errors.js';
import { asSentence } from '../shared/format.js';
import type { DeviceIdentityStore } from './device-identity.js';
import { RestoreError, runRestore } from './restore.js';
import { holderOf } from './run-lock.js';
import { holderIsRunning } from '../shared/waiting-text.js';
import type { Ending, LockOwner, Run, RunPlan } from './run.js';
import type { HistoryEntry } from './types.js';

export interface RestorePlanOptions {
  api: () => Promise<BackupsApi>;
  identity: DeviceIdentityStore;
  backupId: string;
  safetyBackup: boolean;
  /** The run moved to its next step (urgent for the state: the tray's line changes). */
  stepped(run: Run): void;
  /** The engine's clock, for the time the lock's holder started ("…started at 2:02 PM"). */
  now?: () => Date;
}

/** The sentence for a restore refused because another process holds the backup lock. */
export function lockHeldMessage(owner: LockOwner, now: Date = new Date()): string {
  return `${holderIsRunning(holderOf(owner), now)}, so the restore did not start and your Pieces data is unchanged; try again when it is done.`;
}

const withBackup = (fields: Partial<HistoryEntry>, b: Backup | null | undefined, key: 'backupId' | 'safetyBackupId'): Partial<HistoryEntry> =>
  b ? { ...fields, [key]: b.id, ...(key === 'backupId' ? { bytes: b.bytes } : {}) } : fields;

export function restorePlan(o: RestorePlanOptions): RunPlan {
  return {
    lockHeld: (run: Run, owner: LockOwner): Ending => ({
      entry: run.entry('skipped', { backupId: o.backupId, error: { kind: 'already-running', message: lockHeldMessage(owner, o.now?.()) } }),
      failure: null,
      record: true,
    }),

    prepare(run: Run): void {
      run.restore = { target: null, safetyBackup: null };
      // While the backup is looked up, the run is already on its first step.
      run.phase = o.safetyBackup ? 'safety-backup' : 'restore';
    },

    async work(run: Run): Promise<Partial<HistoryEntry>> {
      const api = await o.api();
      const outcome = await runRestore({
        api,
        backupId: o.backupId,
        safetyBackup: o.safetyBackup,
        signal: run.signal,
        ...(run.noProgressMs === undefined ? {} : { noProgressTimeoutMs: run.noProgressMs }),
        onPhase: (phase, target) => {
          run.step(phase, target);
          o.stepped(run);
        },
        onProgress: (_phase, p) => run.progress(p),
        onSafetyBackup: async (b) => {
          run.restore!.safetyBackup = b;
          // A backup this machine's own create returned names this computer.
          await o.identity.learnFromOwnBackup(b.deviceName);
        },
      });
      run.status = 'COMPLETED';
      run.percentage = 100;
      run.restore = { target: outcome.restored, safetyBackup: outcome.safetyBackup };
      return withBackup(withBackup({}, outcome.restored, 'backupId'), outcome.safetyBackup, 'safetyBackupId');
    },

    ended(run: Run, e: unknown): Partial<HistoryEntry> {
      const details = run.restore!;
      if (!(e instanceof RestoreError)) {
        // Stopped before restore.ts began (PiecesOS not found, the lock unreadable, canceled): nothing was touched.
        const fields: Partial<HistoryEntry> = { backupId: o.backupId, phase: run.phase! };
        if (run.canceledBy) return fields;
        const why = failureOf(e);
        return { ...fields, error: { kind: why.kind, message: `${asSentence(why.message)} Nothing was restored; your Pieces data is unchanged.` } };
      }
      run.restore = {
        target: e.target ?? details.target,
        safetyBackup: e.safetyBackup ?? details.safetyBackup,
        ...(e.cause.cancelConfirmed === undefined ? {} : { cancelConfirmed: e.cause.cancelConfirmed }),
      };
      // Canceled while the backup was looked up: the client's words would only say a request was canceled.
      const message = e.kind === 'canceled' && e.target === null ? 'The restore was canceled before it started; your Pieces data is unchanged.' : e.message;
      const fields: Partial<HistoryEntry> = { backupId: o.backupId, phase: e.phase, error: { kind: e.kind, message } };
      return withBackup(withBackup(fields, run.restore.target, 'backupId'), run.restore.safetyBackup, 'safetyBackupId');
    },
  };
}
