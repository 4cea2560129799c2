// The window's "the next backup will remove N": the plan of today's list plus the backup that run
// makes, by the same planner the run uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backup } from '../../main/api/wire.js';
import { planRetention } from '../../main/engine/retention.js';
import { deletedAfterNextBackup } from '../../main/engine/next-backup-plan.js';
import type { RetentionPolicy } from '../../main/settings/schema.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const mk = (id: string, daysAgo: number, deviceName = 'laptop'): Backup => ({
  id, version: '9.0.5', timestamp: String(NOW.getTime() - daysAgo * DAY), bytes: 100,
  created: new Date(NOW.getTime() - daysAgo * DAY).toISOString(), deviceName, platform: 'LINUX',
});
const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ enabled: true, keepLast: null, maxAgeDays: null, includeOtherDevices: false, ...p });
const planOf = (list: Backup[], p: RetentionPolicy, thisDevice: string | null) => ({ ...planRetention(list, p, { now: NOW, thisDevice }), thisDevice, list });

test('keep the newest 3 of 3: today nothing goes, the next backup pushes out the oldest', () => {
  const list = [mk('a', 1), mk('b', 2), mk('c', 3), mk('x', 4, 'desktop')];
  const p = policy({ keepLast: 3 });
  const plan = planOf(list, p, 'laptop');
  assert.deepEqual(plan.delete, []);
  assert.deepEqual(deletedAfterNextBackup(plan, p, NOW).map((b) => b.id), ['c']);
});

test('age rules and other devices are judged as the run judges them; the new backup is never listed', () => {
  const list = [mk('a', 1), mk('b', 20), mk('x', 30, 'desktop'), mk('y', 40, 'desktop')];
  const p = policy({ maxAgeDays: 7, includeOtherDevices: true });
  const after = deletedAfterNextBackup(planOf(list, p, 'laptop'), p, NOW).map((b) => b.id);
  // b is no longer this computer's newest once the next backup exists; desktop keeps its newest (x).
  assert.deepEqual(after.sort(), ['b', 'y']);
});

test('this computer unknown: nothing, as the run does', () => {
  const list = [mk('a', 1), mk('b', 2)];
  const p = policy({ keepLast: 1 });
  assert.deepEqual(deletedAfterNextBackup(planOf(list, p, null), p, NOW), []);
});
