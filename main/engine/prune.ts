// Retention as one procedure for every caller: the engine after a backup, the window's dry run and
// `pieces-backup prune`. Planning reads the same inputs everywhere (this device from PiecesOS or
// what was kept, the list, the clock) and hands them to the one pure planner; applying deletes
// what the plan says, one by one, recording each deletion in the shared log.
import type { BackupsApi } from '../api/backups-api.js';
import { failureOf } from '../api/errors.js';
import type { Backup } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';
import type { DeviceIdentityStore } from './device-identity.js';
import type { DeletionRecord } from './history.js';
import { describePolicy, planRetention, type RetentionPlan } from './retention.js';
import type { RunError } from './types.js';

export interface PrunePlan extends RetentionPlan {
  /** The device name retention took as this computer's, null when not known. */
  thisDevice: string | null;
  /** The whole list the plan was made from, newest first. */
  list: Backup[];
}

export interface PlanInputs {
  identity: DeviceIdentityStore;
  now: Date;
  justMade?: string | null;
  signal?: AbortSignal;
}

export async function planPrune(api: BackupsApi, policy: RetentionPolicy, inputs: PlanInputs): Promise<PrunePlan> {
  const opts = inputs.signal ? { signal: inputs.signal } : {};
  const device = await inputs.identity.resolve(api, inputs.signal);
  const list = await api.list(opts);
  const thisDevice = device?.name ?? null;
  return { ...planRetention(list, policy, { now: inputs.now, thisDevice, justMade: inputs.justMade ?? null }), thisDevice, list };
}

export interface PruneOutcome {
  deleted: Backup[];
  failed: Array<{ id: string; error: RunError }>;
}

export interface ApplyInputs {
  deletions?: { record(d: DeletionRecord): Promise<void> };
  log?: (level: 'info' | 'warn', message: string) => void;
  now: () => Date;
  signal?: AbortSignal;
}

/** Deletes what the plan says; a failed deletion is reported and the others still go ahead. */
export async function applyPrune(api: BackupsApi, plan: PrunePlan, policy: RetentionPolicy, inputs: ApplyInputs): Promise<PruneOutcome> {
  const deleted: Backup[] = [];
  const failed: PruneOutcome['failed'] = [];
  const reason = describePolicy(policy);
  for (const b of plan.delete) {
    if (inputs.signal?.aborted) break;
    try {
      await api.delete(b.id, b, inputs.signal ? { signal: inputs.signal } : {});
    } catch (e) {
      const error = failureOf(e);
      failed.push({ id: b.id, error });
      inputs.log?.('warn', `Retention could not delete backup ${b.id}: ${error.message}`);
      continue;
    }
    deleted.push(b);
    await inputs.deletions
      ?.record({ at: inputs.now().toISOString(), backupId: b.id, created: b.created, deviceName: b.deviceName, bytes: b.bytes, reason })
      .catch((e: Error) => inputs.log?.('warn', `Could not record the deletion of ${b.id} (${e.message}).`));
    inputs.log?.('info', `Retention deleted backup ${b.id} (${b.deviceName}, ${b.created}).`);
  }
  return { deleted, failed };
}
