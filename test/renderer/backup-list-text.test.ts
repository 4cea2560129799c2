// The backup list's words, as pure functions: a backup's time in the list ("Today, 2:29 PM") and
// in its details (exact, with the zone), and the per-device groups behind the device filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactTime, listTime } from '../../renderer/backup-time.js';
import { groupByDevice } from '../../renderer/views/device-groups.js';
import type { Backup } from '../../main/api/wire.js';

const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).getTime();
const clock = (t: number) => new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(t);

test('the list writes today and yesterday as words, other days as a short date, the year only when it is not this year', () => {
  const now = at(2026, 11, 28, 15, 0);
  const iso = (t: number) => new Date(t).toISOString();
  assert.equal(listTime(iso(at(2026, 11, 28, 2, 29)), now), `Today, ${clock(at(2026, 11, 28, 2, 29))}`);
  assert.equal(listTime(iso(at(2026, 11, 27, 23, 59)), now), `Yesterday, ${clock(at(2026, 11, 27, 23, 59))}`);
  const older = listTime(iso(at(2026, 11, 20, 8, 5)), now);
  assert.match(older, /20/);
  assert.doesNotMatch(older, /2026/);
  assert.match(listTime(iso(at(2025, 11, 20, 8, 5)), now), /2025/);
  assert.equal(listTime('not a date', now), 'not a date');
  assert.equal(listTime('', now), '—');
});

test('the details give the exact time with seconds and a time zone', () => {
  const text = exactTime('2026-11-28T02:29:05Z');
  assert.match(text, /:05/);
  assert.match(text, /2026/);
  assert.equal(text, new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' }).format(Date.parse('2026-11-28T02:29:05Z')));
  assert.equal(exactTime('garbage'), 'garbage');
});

test('device groups: this computer first, then the others by name, with counts and sizes (bad sizes count as 0)', () => {
  const b = (deviceName: string, bytes: number): Backup => ({ id: `${deviceName}-${bytes}`, version: '1', timestamp: '0', bytes, created: '2026-01-01T00:00:00Z', deviceName, platform: 'LINUX' } as Backup);
  const groups = groupByDevice([b('zeta', 10), b('alpha', 5), b('me', 1), b('alpha', 7), b('me', Number.NaN)], 'me');
  assert.deepEqual(groups, [
    { device: 'me', thisComputer: true, count: 2, bytes: 1 },
    { device: 'alpha', thisComputer: false, count: 2, bytes: 12 },
    { device: 'zeta', thisComputer: false, count: 1, bytes: 10 },
  ]);
  assert.deepEqual(groupByDevice([b('x', 1)], null).map((g) => g.thisComputer), [false]);
});
