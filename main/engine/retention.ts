// Which backups retention would delete. Pure and the only planner: the engine's run, the window's
// dry run and `pieces-backup prune` all call it with the same inputs (list, policy, this device,
// clock), so a dry run always says what the real run does. Safety rules hold whatever the policy:
//  - rules apply per device: keep-newest-N means the newest N *of each device*, so allowing other
//    devices never lets one device's backups push out another's;
//  - the newest backup of each device is never deleted, nor the backup this run just made (by id);
//  - another device's backups are untouched unless the policy allows it, and while this device's
//    name is not known a policy limited to this device deletes nothing;
//  - a backup dated more than 5 minutes in the future (a wrong clock somewhere) or whose date
//    cannot be read is kept and never pushes others out: its real age is unknown;
//  - only backups that break every rule in force are deleted (keep-newest-N OR younger-than-D keeps).
import type { Backup } from '../api/wire.js';
import { createdMillis, sortNewestFirst } from '../api/wire.js';
import type { RetentionPolicy } from '../settings/schema.js';

export interface RetentionContext {
  now: Date;
  /** The device name PiecesOS puts on this machine's backups; null while it is not known. */
  thisDevice: string | null;
  /** The id of the backup this run just made: never deleted. */
  justMade?: string | null;
}

export interface RetentionPlan {
  /** Newest first. */
  keep: Backup[];
  delete: Backup[];
  /** Kept because dated more than FUTURE_SLACK_MS ahead of the clock. */
  futureDated: Backup[];
  /** Why the policy deletes nothing by rule (e.g. this device is not known yet); null otherwise. */
  skipped: string | null;
}

const DAY_MS = 86_400_000;
/** Clocks of two machines disagree by seconds, not minutes: beyond this a date is not trusted. */
export const FUTURE_SLACK_MS = 5 * 60_000;

export const DEVICE_UNKNOWN =
  "This computer's device name is not known yet (PiecesOS did not tell it, and no backup made here has said it), so a policy limited to this computer deletes nothing; it will work once a backup has been made here.";

export function planRetention(backups: Backup[], policy: RetentionPolicy, ctx: RetentionContext): RetentionPlan {
  const sorted = sortNewestFirst([...backups]);
  const nowMs = ctx.now.getTime();
  const futureDated = sorted.filter((b) => createdMillis(b) > nowMs + FUTURE_SLACK_MS);
  const keepAll = (skipped: string | null): RetentionPlan => ({ keep: sorted, delete: [], futureDated, skipped });
  if (!policy.enabled || (policy.keepLast === null && policy.maxAgeDays === null) || sorted.length === 0) return keepAll(null);
  if (!policy.includeOtherDevices && ctx.thisDevice === null) return keepAll(DEVICE_UNKNOWN);

  // Per device, the backups whose age is known and believable, newest first (sorted keeps order).
  const byDevice = new Map<string, Backup[]>();
  for (const b of sorted) {
    const created = createdMillis(b);
    if (!Number.isFinite(created) || created > nowMs + FUTURE_SLACK_MS) continue;
    if (!policy.includeOtherDevices && b.deviceName !== ctx.thisDevice) continue;
    const ranked = byDevice.get(b.deviceName);
    if (ranked) ranked.push(b);
    else byDevice.set(b.deviceName, [b]);
  }

  const doomed = new Set<Backup>();
  for (const ranked of byDevice.values()) {
    ranked.forEach((b, index) => {
      if (index === 0 || b.id === ctx.justMade) return;
      const keptByCount = policy.keepLast !== null && index < policy.keepLast;
      const keptByAge = policy.maxAgeDays !== null && nowMs - createdMillis(b) < policy.maxAgeDays * DAY_MS;
      if (!keptByCount && !keptByAge) doomed.add(b);
    });
  }
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
  return { keep: sorted.filter((b) => !seen.has(b.id)), delete: del, futureDated, skipped: null };
}

/** The policy in words, for the deletion log and the dry run. */
export function describePolicy(p: RetentionPolicy): string {
  const rules = [p.keepLast !== null ? `keep the newest ${p.keepLast} of each device` : null, p.maxAgeDays !== null ? `keep those younger than ${p.maxAgeDays} days` : null].filter(Boolean);
  return `retention: ${rules.join(' or ')}${p.includeOtherDevices ? ' (all devices)' : ' (this computer only)'}`;
}
