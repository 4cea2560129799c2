// Which backups retention would delete. Pure: the engine lists, plans, then deletes; the window's
// dry run shows the same plan. Safety rules hold whatever the policy says:
//  - the newest backup (overall) and the newest of the backups it may touch are never deleted;
//  - another device's backups are untouched unless the policy allows it;
//  - a backup whose date cannot be read is kept (its age is unknown);
//  - only backups that break every rule in force are deleted (keep-newest-N OR younger-than-D keeps).
import type { Backup } from '../api/wire.js';
import { createdMillis, sortNewestFirst } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';

export interface RetentionPlan {
  keep: Backup[];
  delete: Backup[];
}

const DAY_MS = 86_400_000;

export function planRetention(backups: Backup[], policy: RetentionPolicy, opts: { now: Date; thisDevice: string }): RetentionPlan {
  const sorted = sortNewestFirst([...backups]);
  const noRule = policy.keepLast === null && policy.maxAgeDays === null;
  if (!policy.enabled || noRule || sorted.length === 0) return { keep: sorted, delete: [] };

  const touchable = (b: Backup) => policy.includeOtherDevices || b.deviceName === opts.thisDevice;
  const candidates = sorted.filter(touchable);
  const protectedIds = new Set<string>();
  const newest = sorted[0];
  if (newest) protectedIds.add(newest.id);
  const newestCandidate = candidates[0];
  if (newestCandidate) protectedIds.add(newestCandidate.id);

  const nowMs = opts.now.getTime();
  const doomed = new Set<Backup>();
  candidates.forEach((b, index) => {
    if (protectedIds.has(b.id)) return;
    const created = createdMillis(b);
    if (!Number.isFinite(created)) return;
    const keptByCount = policy.keepLast !== null && index < policy.keepLast;
    // A backup dated in the future (clock skew) is young, so kept.
    const keptByAge = policy.maxAgeDays !== null && nowMs - created < policy.maxAgeDays * DAY_MS;
    if (!keptByCount && !keptByAge) doomed.add(b);
  });
  // Ids are the server's handle for deletion: if one id appears twice and any copy is kept, keep all.
  const keptIds = new Set(sorted.filter((b) => !doomed.has(b)).map((b) => b.id));
  const del: Backup[] = [];
  const seen = new Set<string>();
  for (const b of sorted) {
    if (doomed.has(b) && !keptIds.has(b.id) && !seen.has(b.id)) {
      del.push(b);
      seen.add(b.id);
    }
  }
  return { keep: sorted.filter((b) => !seen.has(b.id)), delete: del };
}
