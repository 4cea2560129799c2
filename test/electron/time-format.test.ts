// One way to write times everywhere: the shared formatter follows the locale's 12/24-hour clock.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatAt, formatAtIso, formatClock, formatDateTime, formatDateTimeIso, formatDayTime, formatExact, formatTimeOfDay, formatWeekdayDateTime, setTimeStyle,
} from '../../main/shared/time-format.js';
import { platformName } from '../../main/shared/platform-name.js';

const now = new Date(2026, 10, 27, 17, 0, 0); // a Friday
afterEach(() => setTimeStyle({}));

test('a 12-hour locale writes 3:30 PM, a 24-hour one 15:30, with the same words around them', () => {
  const d = new Date(2026, 10, 27, 15, 30);
  setTimeStyle({ locale: 'en-US' });
  assert.equal(formatClock(d), '3:30 PM');
  assert.equal(formatDayTime(d, now), 'today 3:30 PM');
  assert.equal(formatDateTime(d, now), 'Nov 27, 3:30 PM');
  setTimeStyle({ locale: 'en-GB' });
  assert.equal(formatClock(d), '15:30');
  assert.equal(formatDayTime(d, now), 'today 15:30');
  assert.equal(formatDateTime(d, now), '27 Nov, 15:30');
});

test('the 12/24-hour choice wins over the locale when the system says so', () => {
  const d = new Date(2026, 10, 27, 15, 30);
  setTimeStyle({ locale: 'en-US', hour12: false });
  assert.equal(formatClock(d), '15:30');
  setTimeStyle({ locale: 'en-GB', hour12: true });
  assert.match(formatClock(d), /^3:30\s?pm$/i);
});

test('days around now: today, tomorrow, yesterday, a weekday within the week, else the date', () => {
  setTimeStyle({ locale: 'en-US' });
  assert.equal(formatDayTime(new Date(2026, 10, 28, 9, 0), now), 'tomorrow 9:00 AM');
  assert.equal(formatDayTime(new Date(2026, 10, 26, 18, 0), now), 'yesterday 6:00 PM');
  assert.equal(formatDayTime(new Date(2026, 10, 30, 8, 5), now), 'Mon 8:05 AM');
  assert.equal(formatDayTime(new Date(2026, 11, 25, 8, 5), now), 'Dec 25, 8:05 AM');
  assert.equal(formatDateTime(new Date(2025, 11, 25, 8, 5), now), 'Dec 25, 2025, 8:05 AM', 'the year when it is not this one');
  assert.equal(formatWeekdayDateTime(new Date(2026, 10, 28, 12, 0), now), 'Sat, Nov 28, 12:00 PM');
});

test('"at …": the clock alone today, with the date another day; garbage is null or shown as sent', () => {
  setTimeStyle({ locale: 'en-GB' });
  assert.equal(formatAt(new Date(2026, 10, 27, 14, 2), now), '14:02');
  assert.equal(formatAt(new Date(2026, 10, 26, 9, 5), now), '26 Nov, 9:05');
  assert.equal(formatAtIso('nope', now), null);
  assert.equal(formatAtIso(null, now), null);
  assert.equal(formatDateTimeIso('not a date', now), 'not a date');
});

test('a schedule\'s time of day is written like any other time', () => {
  setTimeStyle({ locale: 'en-US' });
  assert.equal(formatTimeOfDay('12:00'), '12:00 PM');
  assert.equal(formatTimeOfDay('00:30'), '12:30 AM');
  setTimeStyle({ locale: 'en-GB' });
  assert.equal(formatTimeOfDay('08:15'), '8:15');
  assert.equal(formatTimeOfDay('garbage'), 'garbage');
});

test('the exact time (a backup\'s details): the whole date, the time with seconds and the time zone, in the chosen locale and clock', () => {
  const d = new Date(2026, 10, 27, 15, 30, 5);
  const zone = (locale: string) => new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')!.value;
  setTimeStyle({ locale: 'en-US' });
  const us = formatExact(d);
  assert.match(us, /^Friday, November 27, 2026\b/);
  assert.match(us, /\b3:30:05\sPM\b/);
  assert.ok(us.endsWith(zone('en-US')), `${us} ends with the zone`);
  setTimeStyle({ locale: 'en-GB' });
  const gb = formatExact(d);
  assert.match(gb, /^Friday,? 27 November 2026\b/);
  assert.match(gb, /\b15:30:05\b/);
  assert.ok(gb.endsWith(zone('en-GB')), `${gb} ends with the zone`);
  setTimeStyle({ locale: 'de-DE' });
  assert.match(formatExact(d), /^Freitag, 27\. November 2026\b.*\b15:30:05\b/);
  // The system's 12/24-hour choice wins over the locale's, as for every other time.
  setTimeStyle({ locale: 'en-US', hour12: false });
  assert.match(formatExact(d), /\b15:30:05\b/);
  assert.doesNotMatch(formatExact(d), /\b(AM|PM)\b/);
  setTimeStyle({ locale: 'en-GB', hour12: true });
  assert.match(formatExact(d), /\b3:30:05\s?pm\b/i);
});

test('a locale Intl rejects falls back to the default instead of throwing', () => {
  setTimeStyle({ locale: 'not a locale!!' });
  assert.match(formatClock(new Date(2026, 10, 27, 15, 30)), /3:30|15:30/);
});

test('platform names: one function for the window and the CLI', () => {
  assert.equal(platformName('MACOS'), 'macOS');
  assert.equal(platformName('LINUX'), 'Linux');
  assert.equal(platformName('WINDOWS'), 'Windows');
  assert.equal(platformName('PLAN9'), 'Unknown');
  assert.equal(platformName('toString'), 'Unknown', 'no inherited property passes for a name');
});
