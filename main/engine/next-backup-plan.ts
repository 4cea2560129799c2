// What the next backup's retention will delete: the dry run's plan, with the backup that run will
// make added first. Retention runs after each successful backup, and the backup just made counts:
// with "keep the newest 3", the next backup pushes out one more of this computer's backups than a
// plan of today's list says. So the window states what the next backup will remove, by the same
// planner (planRetention) the run itself uses, with the new backup as the run's `justMade`.
import type { Backup } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';
import { planRetention } from './retention.js';
import type { PrunePlan } from './prune.js';

/** An id PiecesOS never gives (ids are UUID-like): the stand-in for the backup not made yet. */
const NEXT_BACKUP_ID = '\u0000next-backup';

/** The backups retention will delete after the next backup of this computer (newest first). */
export function deletedAfterNextBackup(plan: PrunePlan, policy: RetentionPolicy, now: Date): Backup[] {
  // Not knowing this computer, the run deletes nothing by rule, and so does the plan.
  if (plan.thisDevice === null || plan.skipped !== null) return plan.delete;
  const next: Backup = {
    id: NEXT_BACKUP_ID, version: '', timestamp: String(now.getTime()), bytes: 0,
    created: now.toISOString(), deviceName: plan.thisDevice, platform: 'UNKNOWN',
  };
  const after = planRetention([next, ...plan.list], { ...policy, enabled: true }, { now, thisDevice: plan.thisDevice, justMade: NEXT_BACKUP_ID });
  return after.delete.filter((b) => b.id !== NEXT_BACKUP_ID);
}
