// The backup list's words, as pure functions: a backup's time in the list ("Today, 2:29 PM") and
// in its details (exact, with the zone), and the per-device groups behind the device filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactTime, listTime } from '../../renderer/backup-time.js';
import { formatExact, setTimeStyle } from '../../main/shared/time-format.js';
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
  assert.equal(exactTime('garbage'), 'garbage');
  assert.equal(exactTime(''), '—');
});

test('the exact time follows the app\'s locale and 12/24-hour choice (setTimeStyle), like every other time', () => {
  const iso = '2026-11-28T14:29:05Z';
  try {
    setTimeStyle({ locale: 'de-DE', hour12: true });
    const de = exactTime(iso);
    assert.match(de, /2026/);
    assert.match(de, /November/, 'German month');
    assert.match(de, /(Freitag|Samstag|Sonntag)/, 'German weekday');
    assert.match(de, /\b(AM|PM)\b/, 'the 12-hour clock chosen, though German uses 24 hours');
    assert.equal(de, formatExact(new Date(iso)), 'the one shared formatter');
    setTimeStyle({ locale: 'en-US', hour12: false });
    assert.doesNotMatch(exactTime(iso), /\b(AM|PM)\b/, 'the 24-hour clock chosen, though en-US uses 12 hours');
  } finally {
    setTimeStyle({});
  }
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
