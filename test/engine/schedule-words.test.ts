// Settings describes a schedule's time as the tray, the window and the CLI write times (issue 11):
// "Every day at 12:00 PM" on a 12-hour clock, "Every day at 12:00" on a 24-hour one.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { describeSchedule } from '../../main/engine/schedule.js';
import { setTimeStyle } from '../../main/shared/time-format.js';

afterEach(() => setTimeStyle({}));

test('a daily or weekly schedule\'s time follows the locale\'s clock', () => {
  setTimeStyle({ locale: 'en-US' });
  assert.equal(describeSchedule({ kind: 'daily', time: '12:00' }), 'Every day at 12:00 PM');
  assert.equal(describeSchedule({ kind: 'weekly', day: 0, time: '18:15' }), 'Every Sunday at 6:15 PM');
  setTimeStyle({ locale: 'en-GB' });
  assert.equal(describeSchedule({ kind: 'daily', time: '12:00' }), 'Every day at 12:00');
  assert.equal(describeSchedule({ kind: 'weekly', day: 0, time: '18:15' }), 'Every Sunday at 18:15');
});
