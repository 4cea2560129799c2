import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planRetention } from '../../main/engine/retention.js';
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
  const all = planRetention(list, policy({ keepLast: 2, includeOtherDevices: true }), { now: NOW, thisDevice: ME });
  assert.deepEqual(all.delete.map((b) => b.id), ['c', 'b', 'y'].sort((p, q) => list.findIndex((b) => b.id === p) - list.findIndex((b) => b.id === q)));
});

test('younger than D days OR among the newest N is kept', () => {
  const list = [mk('a', 1), mk('b', 5), mk('c', 10), mk('d', 40)];
  const plan = planRetention(list, policy({ keepLast: 1, maxAgeDays: 7 }), { now: NOW, thisDevice: ME });
  assert.deepEqual(plan.delete.map((b) => b.id), ['c', 'd']);
  assert.deepEqual(plan.keep.map((b) => b.id), ['a', 'b']);
});

test('the newest backup survives even when every rule would delete it; unreadable dates are kept', () => {
  const list = [mk('old1', 100), mk('old2', 200), { ...mk('weird', 300), created: 'not a date' }];
  const plan = planRetention(list, policy({ maxAgeDays: 7 }), { now: NOW, thisDevice: ME });
  assert.deepEqual(plan.delete.map((b) => b.id), ['old2']);
});

const backupArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 4 }),
  daysAgo: fc.double({ min: -2, max: 400, noNaN: true }),
  device: fc.constantFrom(ME, 'desktop', 'work'),
  badDate: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
}).map(({ id, daysAgo, device, badDate }) => (badDate ? { ...mk(id, daysAgo, device), created: 'garbage' } : mk(id, daysAgo, device)));

const policyArb = fc.record({
  enabled: fc.boolean(),
  keepLast: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
  maxAgeDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: null }),
  includeOtherDevices: fc.boolean(),
});

test('property: never the newest, never another device unless allowed, never more than the policy says', () => {
  fc.assert(
    fc.property(fc.array(backupArb, { maxLength: 40 }), policyArb, fc.constantFrom(ME, 'desktop', 'nobody'), (list, pol, device) => {
      const plan = planRetention(list, pol, { now: NOW, thisDevice: device });
      const deletedIds = new Set(plan.delete.map((b) => b.id));
      // Every backup is either kept or deleted (by id), none lost, none invented.
      assert.equal(plan.keep.length + list.filter((b) => deletedIds.has(b.id)).length, list.length);
      assert.equal(deletedIds.size, plan.delete.length, 'each id deleted once');
      if (!pol.enabled) assert.equal(plan.delete.length, 0);
      if (list.length === 0) return;
      // Never the newest (by creation time), whatever its device.
      const newest = sortNewestFirst([...list])[0]!;
      assert.ok(!deletedIds.has(newest.id), 'newest kept');
      for (const b of plan.delete) {
        if (!pol.includeOtherDevices) assert.equal(b.deviceName, device, 'other device deleted');
        assert.ok(Number.isFinite(createdMillis(b)), 'undated backup deleted');
        // Breaks every rule in force.
        if (pol.maxAgeDays !== null) assert.ok(NOW.getTime() - createdMillis(b) >= pol.maxAgeDays * DAY, 'too young to delete');
        if (pol.keepLast !== null) {
          const pool = list.filter((x) => pol.includeOtherDevices || x.deviceName === device);
          const newer = pool.filter((x) => x !== b && createdMillis(x) >= createdMillis(b)).length;
          assert.ok(newer >= pol.keepLast, 'among the newest N');
        }
      }
      // Never more than the policy allows: at least keepLast of the eligible ones remain.
      if (pol.keepLast !== null && pol.enabled) {
        const pool = list.filter((x) => pol.includeOtherDevices || x.deviceName === device);
        const poolIds = new Set(pool.map((b) => b.id));
        const remaining = plan.keep.filter((b) => poolIds.has(b.id)).length;
        assert.ok(remaining >= Math.min(pol.keepLast, pool.length));
      }
    }),
    { numRuns: 500 },
  );
});
