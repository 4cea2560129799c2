// The elapsed time and the estimate of the time left, from given times (no clock): none before
// 10 %, a steady pace gives the true time left, a change of pace moves the figure gradually, and
// it says nothing once the percentage goes backwards or stands still for too long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatElapsed, ProgressEta, runTimeLine, timeLeftAt, timeLeftText, MIN_QUIET_LIMIT_MS } from '../../main/shared/progress-eta.js';

const T0 = Date.parse('2026-11-28T12:00:00.000Z');
const sec = (s: number) => T0 + s * 1000;

/** A run advancing one point every `perPoint` seconds from 0 %, observed up to `upTo` %. */
function steady(eta: ProgressEta, perPoint: number, upTo: number, from = 0, startSec = 0): number {
  let at = startSec;
  for (let p = from; p <= upTo; p++) {
    at = startSec + (p - from) * perPoint;
    eta.observe(sec(at), p);
  }
  return at;
}

test('no estimate before 10 %, then a steady pace gives the true time left', () => {
  const eta = new ProgressEta();
  steady(eta, 2, 9); // 2 s a point: 9 % at 18 s
  assert.equal(eta.current(), null, 'nothing said before 10 %');
  eta.observe(sec(20), 10);
  const est = eta.current();
  assert.ok(est);
  assert.equal(est.ms, 90 * 2000, '90 points left at 2 s each');
  assert.equal(est.at, new Date(sec(20)).toISOString());
  assert.equal(timeLeftAt(est, sec(20)), 180_000);
  assert.equal(timeLeftAt(est, sec(50)), 150_000, 'counted down between values');
});

test('a short run (under 3 s) gets no estimate, however far along', () => {
  const eta = new ProgressEta();
  eta.observe(sec(0), 0);
  eta.observe(sec(1), 50);
  eta.observe(sec(2), 80);
  assert.equal(eta.current(), null);
});

test('a sudden change of pace moves the estimate gradually, never by the whole jump at once', () => {
  const eta = new ProgressEta();
  const at = steady(eta, 1, 50); // 1 s a point: 50 % at 50 s, 50 s left
  assert.equal(eta.current()!.ms, 50_000);
  // One point now takes 10 s: the cumulative rate alone would say (60 s × 49 / 51) ≈ 57.6 s.
  eta.observe(sec(at + 10), 51);
  const after = eta.current()!.ms;
  const counted = 50_000 - 10_000;
  const raw = (60_000 * 49) / 51;
  assert.ok(after > counted && after < raw, `between the countdown (${counted}) and the new reading (${raw}): ${after}`);
});

test('the estimate never goes below zero and reaches zero at 100 %', () => {
  const eta = new ProgressEta();
  steady(eta, 1, 100);
  assert.equal(eta.current()!.ms, 0);
  assert.equal(timeLeftAt(eta.current(), sec(101)), 0);
});

test('backwards (a RESET): no estimate until it has made 10 points again, measured from there', () => {
  const eta = new ProgressEta();
  const at = steady(eta, 1, 40);
  assert.ok(eta.current());
  eta.observe(sec(at + 1), 0);
  assert.equal(eta.current(), null, 'nothing right after going backwards');
  steady(eta, 3, 9, 0, at + 1);
  assert.equal(eta.current(), null, '9 points since the reset: still nothing');
  eta.observe(sec(at + 1 + 30), 10);
  assert.equal(eta.current()!.ms, 90 * 3000, 'the pace since the reset, not the run before it');
});

test('backwards part-way (not to 0) also withdraws the estimate', () => {
  const eta = new ProgressEta();
  const at = steady(eta, 1, 40);
  eta.observe(sec(at + 1), 35);
  assert.equal(eta.current(), null);
  eta.observe(sec(at + 5), 44);
  assert.equal(eta.current(), null, '9 points since going back');
});

test('a long stall withdraws the estimate; a short pause does not', () => {
  const eta = new ProgressEta();
  const at = steady(eta, 1, 30); // 1 s a point
  const est = eta.current()!;
  assert.equal(est.quietLimitMs, MIN_QUIET_LIMIT_MS, 'a fast pace gets the shortest limit');
  assert.notEqual(timeLeftAt(est, sec(at + 25)), null);
  assert.equal(timeLeftAt(est, sec(at + 31)), null, 'silent for longer than the limit');
  // Repeated values of the same percentage are no progress.
  eta.observe(sec(at + 20), 30);
  assert.equal(eta.current()!.at, new Date(sec(at)).toISOString());
});

test('a slow pace (a minute a point) allows a longer silence before the estimate is withdrawn', () => {
  const eta = new ProgressEta();
  const at = steady(eta, 60, 12);
  const est = eta.current()!;
  assert.equal(est.quietLimitMs, 4 * 60_000);
  assert.notEqual(timeLeftAt(est, sec(at + 150)), null);
  assert.equal(timeLeftAt(est, sec(at + 241)), null);
});

test('restart() forgets the previous step', () => {
  const eta = new ProgressEta();
  steady(eta, 1, 50);
  eta.restart();
  assert.equal(eta.current(), null);
  eta.observe(sec(100), 0);
  eta.observe(sec(110), 10);
  assert.equal(eta.current()!.ms, 90_000);
});

test('values without a percentage and nonsense change nothing', () => {
  const eta = new ProgressEta();
  eta.observe(sec(0), null);
  eta.observe(sec(1), Number.NaN);
  assert.equal(eta.current(), null);
  steady(eta, 1, 20, 0, 2);
  assert.equal(eta.current()!.ms, 80_000);
  assert.equal(timeLeftAt({ ms: 5, at: 'not a time', quietLimitMs: 1 }, sec(0)), null);
  assert.equal(timeLeftAt(null, sec(0)), null);
});

test('elapsed and time-left words', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(42_900), '0:42');
  assert.equal(formatElapsed(725_000), '12:05');
  assert.equal(formatElapsed(3_723_000), '1:02:03');
  assert.equal(formatElapsed(-5000), '0:00');
  assert.equal(timeLeftText(59_999), 'Less than a minute left');
  assert.equal(timeLeftText(60_000), 'About 1 minute left');
  assert.equal(timeLeftText(170_000), 'About 3 minutes left');
  assert.equal(timeLeftText(59 * 60_000), 'About 59 minutes left');
  assert.equal(timeLeftText(90 * 60_000), 'About 2 hours left');
  assert.equal(timeLeftText(65 * 60_000), 'About 1 hour left');
});

test('the run line: elapsed always, the time left while there is one (the safety backup says so)', () => {
  const startedAt = new Date(sec(0)).toISOString();
  assert.equal(runTimeLine({ startedAt }, sec(83)), 'Elapsed 1:23');
  const timeLeft = { ms: 200_000, at: new Date(sec(80)).toISOString(), quietLimitMs: 30_000 };
  assert.equal(runTimeLine({ startedAt, timeLeft }, sec(83)), 'Elapsed 1:23 · About 3 minutes left');
  assert.equal(runTimeLine({ startedAt, timeLeft, phase: 'safety-backup' }, sec(83)), 'Elapsed 1:23 · About 3 minutes left on the safety backup');
  assert.equal(runTimeLine({ startedAt, timeLeft }, sec(200)), 'Elapsed 3:20', 'stalled: the estimate is withdrawn');
  assert.equal(runTimeLine({ startedAt: 'garbage' }, sec(1)), null);
});
