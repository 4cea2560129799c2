// Settings' pause line: the day words come from the shared calendar-day count (dayDelta), the
// clock from the shared formatter, and every day is counted from the `now` given.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pauseText } from '../../renderer/views/settings-form.js';
import { setTimeStyle } from '../../main/shared/time-format.js';

afterEach(() => setTimeStyle({}));
const iso = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).toISOString();

test('paused today, until tomorrow (midnight), tomorrow at a time, later, until resumed', () => {
  setTimeStyle({ locale: 'en-US' });
  const now = new Date(2030, 0, 3, 14, 0).getTime();
  assert.equal(pauseText(iso(2030, 1, 3, 15, 30), now), 'Paused until 3:30 PM');
  assert.equal(pauseText(iso(2030, 1, 4), now), 'Paused until tomorrow');
  assert.equal(pauseText(iso(2030, 1, 4, 0, 30), now), 'Paused until tomorrow at 12:30 AM');
  // A later day of `now`'s year: no year (counted from `now`, not from the real clock).
  assert.equal(pauseText(iso(2030, 1, 6, 9, 0), now), 'Paused until Sun, Jan 6, 9:00 AM');
  assert.equal(pauseText('resume', now), 'Automatic backups are paused until you resume them.');
  assert.equal(pauseText('garbage', now), 'Automatic backups are paused.');
});

test('late in the evening, a pause into the small hours is tomorrow, whatever the hours between', () => {
  setTimeStyle({ locale: 'en-GB' });
  const now = new Date(2030, 0, 3, 23, 59).getTime();
  assert.match(pauseText(iso(2030, 1, 4, 0, 59), now), /^Paused until tomorrow at 0?0:59$/);
  assert.equal(pauseText(iso(2030, 1, 3, 23, 59), now), 'Paused until 23:59');
});
