import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCron, validateSchedule, describeSchedule, nextRuns, previousFireTime } from '../../main/engine/schedule.js';
import { setTimeStyle } from '../../main/shared/time-format.js';

// Local-time constructors keep these tests true in any time zone.
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);

test('presets map to cron expressions', () => {
  assert.equal(toCron({ kind: 'off' }), null);
  assert.equal(toCron({ kind: 'hourly' }), '0 * * * *');
  assert.equal(toCron({ kind: 'every-n-hours', hours: 6 }), '0 */6 * * *');
  assert.equal(toCron({ kind: 'daily', time: '09:05' }), '5 9 * * *');
  assert.equal(toCron({ kind: 'weekly', day: 1, time: '23:30' }), '30 23 * * 1');
  assert.equal(toCron({ kind: 'custom', cron: '  0   3 * * *  ' }), '0 3 * * *');
});

test('custom expressions: 5 or 6 fields, bad ones get a message naming the problem', () => {
  assert.deepEqual(validateSchedule({ kind: 'custom', cron: '*/15 * * * *' }), { ok: true, cron: '*/15 * * * *' });
  assert.equal(validateSchedule({ kind: 'custom', cron: '0 0 3 * * *' }).ok, true);
  const few = validateSchedule({ kind: 'custom', cron: '* * *' });
  assert.equal(few.ok, false);
  assert.match(!few.ok ? few.message : '', /5 fields.*has 3/);
  const bad = validateSchedule({ kind: 'custom', cron: '61 * * * *' });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /minute/);
  const never = validateSchedule({ kind: 'custom', cron: '0 0 30 2 *' });
  assert.equal(never.ok, false);
  assert.match(!never.ok ? never.message : '', /never fires|impossible/);
  const shape = validateSchedule({ kind: 'daily', time: '25:00' });
  assert.equal(shape.ok, false);
  assert.equal(validateSchedule({ kind: 'off' }).ok, true);
});

test('descriptions a person reads', () => {
  setTimeStyle({ locale: 'en-GB' }); // a 24-hour clock; schedule-words.test.ts shows both
  assert.equal(describeSchedule({ kind: 'daily', time: '12:00' }), 'Every day at 12:00');
  assert.equal(describeSchedule({ kind: 'weekly', day: 0, time: '08:15' }), 'Every Sunday at 8:15');
  setTimeStyle({});
  assert.equal(describeSchedule({ kind: 'every-n-hours', hours: 4 }), 'Every 4 hours, on the hour (from midnight)');
  assert.match(describeSchedule({ kind: 'off' }), /Off/);
  assert.match(describeSchedule({ kind: 'custom', cron: 'nope' }), /not a valid|5 fields/);
});

test('next three runs, strictly after the reference time, in local time', () => {
  const from = local(2026, 11, 27, 12, 0, 0); // exactly a fire time: not included
  assert.deepEqual(nextRuns({ kind: 'daily', time: '12:00' }, from), [local(2026, 11, 28, 12), local(2026, 11, 29, 12), local(2026, 11, 30, 12)]);
  assert.deepEqual(nextRuns({ kind: 'every-n-hours', hours: 8 }, local(2026, 11, 27, 9, 30)), [local(2026, 11, 27, 16), local(2026, 11, 28, 0), local(2026, 11, 28, 8)]);
  // 2026-11-27 is a Friday; weekly on Monday.
  assert.deepEqual(nextRuns({ kind: 'weekly', day: 1, time: '07:00' }, from, 2), [local(2026, 11, 30, 7), local(2026, 12, 7, 7)]);
  assert.deepEqual(nextRuns({ kind: 'off' }, from), []);
  // node-cron's L token: last day of the month.
  assert.deepEqual(nextRuns({ kind: 'custom', cron: '0 0 L * *' }, from, 2), [local(2026, 11, 30), local(2026, 12, 31)]);
  // Six fields: seconds first.
  assert.deepEqual(nextRuns({ kind: 'custom', cron: '30 * * * * *' }, local(2026, 1, 1, 0, 0, 10), 2), [local(2026, 1, 1, 0, 0, 30), local(2026, 1, 1, 0, 1, 30)]);
});

test('previous fire time since a reference, null when none or when the clock went back', () => {
  const daily = { kind: 'daily', time: '12:00' } as const;
  const now = local(2026, 11, 27, 9, 0);
  assert.deepEqual(previousFireTime(daily, now, local(2026, 11, 20)), local(2026, 11, 26, 12));
  assert.equal(previousFireTime(daily, now, local(2026, 11, 26, 12, 0, 1)), null);
  assert.equal(previousFireTime(daily, now, local(2026, 11, 28)), null, 'since in the future');
  assert.equal(previousFireTime({ kind: 'off' }, now, local(2020, 1, 1)), null);
  // An exact fire time counts as fired.
  assert.deepEqual(previousFireTime(daily, local(2026, 11, 27, 12), local(2026, 11, 27)), local(2026, 11, 27, 12));
  // Weekly, a long way back: still finds the most recent one.
  assert.deepEqual(previousFireTime({ kind: 'weekly', day: 3, time: '18:00' }, now, local(2025, 1, 1)), local(2026, 11, 25, 18));
});
