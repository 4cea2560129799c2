import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEVICE_UNKNOWN, planRetention } from '../../main/engine/retention.js';
import type { Backup } from '../../main/api/wire.js';
import { createdMillis, sortNewestFirst } from '../../main/api/wire.js';
import type { RetentionPolicy } from '../../main/settings/schema.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const ME = 'laptop';

const mk = (id: string, daysAgo: number, deviceName = ME): Backup => ({
  id, version: '9.0.5', timestamp: String(NOW.getTime() - daysAgo * DAY), bytes: 100,
  created: new Date(NOW.getTime() - daysAgo * DAY).toISOString(), deviceName, platform: 'LINUX',
});

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ enabled: true, keepLast: null, maxAgeDays: null, includeOtherDevices: false, ...p });

test('off, or no rule: nothing is deleted', () => {
  const list = [mk('a', 1), mk('b', 50), mk('c', 100)];
  assert.deepEqual(planRetention(list, policy({ enabled: false, keepLast: 1 }), { now: NOW, thisDevice: ME }).delete, []);
  assert.deepEqual(planRetention(list, policy({}), { now: NOW, thisDevice: ME }).delete, []);
});

test('keep the newest N of this device; other devices untouched unless allowed', () => {
  const list = [mk('a', 1), mk('x', 2, 'desktop'), mk('b', 3), mk('c', 4), mk('y', 5, 'desktop')];
  const mine = planRetention(list, policy({ keepLast: 2 }), { now: NOW, thisDevice: ME });
  assert.deepEqual(mine.delete.map((b) => b.id), ['c']);
  // All devices allowed: still the newest 2 of each device (desktop has only 2).
  const all = planRetention(list, policy({ keepLast: 2, includeOtherDevices: true }), { now: NOW, thisDevice: ME });
  assert.deepEqual(all.delete.map((b) => b.id), ['c']);
  const one = planRetention(list, policy({ keepLast: 1, includeOtherDevices: true }), { now: NOW, thisDevice: ME });
  assert.deepEqual(one.delete.map((b) => b.id), ['b', 'c', 'y']);
});

test('younger than D days OR among the newest N is kept', () => {
  const list = [mk('a', 1), mk('b', 5), mk('c', 10), mk('d', 40)];
  const plan = planRetention(list, policy({ keepLast: 1, maxAgeDays: 7 }), { now: NOW, thisDevice: ME });
  assert.deepEqual(plan.delete.map((b) => b.id), ['c', 'd']);
  assert.deepEqual(plan.keep.map((b) => b.id), ['a', 'b']);
});

test('the newest backup of the device survives even when every rule would delete it; unreadable dates are kept', () => {
  const list = [mk('old1', 100), mk('old2', 200), { ...mk('weird', 300), created: 'not a date' }];
  const plan = planRetention(list, policy({ maxAgeDays: 7 }), { now: NOW, thisDevice: ME });
  assert.deepEqual(plan.delete.map((b) => b.id), ['old2']);
});

test('keepLast is per device: another device backing up more often pushes out none of this one', () => {
  const list = [mk('d1', 0.1, 'desktop'), mk('d2', 0.2, 'desktop'), mk('d3', 0.3, 'desktop'), mk('a', 5), mk('b', 6)];
  const plan = planRetention(list, policy({ keepLast: 2, includeOtherDevices: true }), { now: NOW, thisDevice: ME });
  assert.deepEqual(plan.delete.map((b) => b.id), ['d3']);
});

test('until this device is known, a policy limited to it deletes nothing and says why', () => {
  const list = [mk('a', 1), mk('b', 50), mk('c', 100)];
  const plan = planRetention(list, policy({ keepLast: 1 }), { now: NOW, thisDevice: null });
  assert.deepEqual(plan.delete, []);
  assert.equal(plan.skipped, DEVICE_UNKNOWN);
  // Allowing every device needs no identity: each device keeps its own newest N.
  assert.deepEqual(planRetention(list, policy({ keepLast: 1, includeOtherDevices: true }), { now: NOW, thisDevice: null }).delete.map((b) => b.id), ['b', 'c']);
});

test('a backup dated in the future is kept, listed, and pushes nothing out; the one just made is never deleted', () => {
  const list = [mk('future', -365 * 900), mk('new', 0), mk('old', 30)];
  const plan = planRetention(list, policy({ keepLast: 1 }), { now: NOW, thisDevice: ME, justMade: 'new' });
  assert.deepEqual(plan.delete.map((b) => b.id), ['old']);
  assert.deepEqual(plan.futureDated.map((b) => b.id), ['future']);
  // Two minutes ahead is ordinary clock skew, not "the future".
  const skew = planRetention([mk('skewed', -2 / 1440), mk('new', 0)], policy({ keepLast: 1 }), { now: NOW, thisDevice: ME, justMade: 'new' });
  assert.deepEqual(skew.delete, [], 'the just-made backup stays even when a skewed one is newer');
  assert.deepEqual(skew.futureDated, []);
});

const DEVICES = [ME, 'desktop', 'work'] as const;

/** Dates as servers send them: past, future (beyond the slack and within it), equal, unparseable. */
const backupArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 3 }),
  when: fc.oneof(
    fc.double({ min: -2, max: 400, noNaN: true }),
    fc.constantFrom(0, 1, 30, -1 / 1440, -10 / 1440, -365 * 900),
  ),
  device: fc.constantFrom(...DEVICES),
  badDate: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
}).map(({ id, when, device, badDate }) => (badDate ? { ...mk(id, when, device), created: 'garbage' } : mk(id, when, device)));

const policyArb = fc.record({
  enabled: fc.boolean(),
  keepLast: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
  maxAgeDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: null }),
  includeOtherDevices: fc.boolean(),
});

const FUTURE_MS = 5 * 60_000;
const believable = (b: Backup) => Number.isFinite(createdMillis(b)) && createdMillis(b) <= NOW.getTime() + FUTURE_MS;

test('property: never the newest of a device, never the one just made, never another device unless allowed, never more than the policy says', () => {
  fc.assert(
    fc.property(
      fc.array(backupArb, { maxLength: 40 }), policyArb, fc.option(fc.constantFrom(...DEVICES, 'nobody'), { nil: null }), fc.option(fc.nat(45), { nil: null }),
      (list, pol, device, justMadeIndex) => {
        const justMade = justMadeIndex === null ? null : (list[justMadeIndex % Math.max(1, list.length)]?.id ?? null);
        const plan = planRetention(list, pol, { now: NOW, thisDevice: device, justMade });
        const deletedIds = new Set(plan.delete.map((b) => b.id));
        // Every backup is either kept or deleted (by id), none lost, none invented.
        assert.equal(plan.keep.length + list.filter((b) => deletedIds.has(b.id)).length, list.length);
        assert.equal(deletedIds.size, plan.delete.length, 'each id deleted once');
        if (!pol.enabled) assert.equal(plan.delete.length, 0);
        if (!pol.includeOtherDevices && device === null) assert.equal(plan.delete.length, 0, 'unknown device: nothing deleted');
        if (justMade !== null) assert.ok(!deletedIds.has(justMade), 'the backup just made is kept');
        for (const d of DEVICES) {
          const mine = list.filter((b) => b.deviceName === d && believable(b));
          if (mine.length === 0) continue;
          const newest = sortNewestFirst([...mine])[0]!;
          assert.ok(!deletedIds.has(newest.id), `the newest of ${d} is kept`);
        }
        for (const b of plan.delete) {
          if (!pol.includeOtherDevices) assert.equal(b.deviceName, device, 'other device deleted');
          assert.ok(believable(b), 'an undated or future-dated backup deleted');
          // Breaks every rule in force, counted within its own device.
          if (pol.maxAgeDays !== null) assert.ok(NOW.getTime() - createdMillis(b) >= pol.maxAgeDays * DAY, 'too young to delete');
          if (pol.keepLast !== null) {
            const newer = list.filter((x) => x !== b && x.deviceName === b.deviceName && believable(x) && createdMillis(x) >= createdMillis(b)).length;
            assert.ok(newer >= pol.keepLast, 'among the newest N of its device');
          }
        }
        for (const b of plan.futureDated) assert.ok(!deletedIds.has(b.id), 'future-dated kept');
      },
    ),
    { numRuns: 1000 },
  );
});
