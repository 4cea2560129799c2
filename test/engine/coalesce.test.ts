import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../main/engine/clock.js';
import { createCoalescer } from '../../main/engine/coalesce.js';

test('a flood of progress becomes at most ~30 updates a second, the latest value last', async () => {
  const clock = new ManualClock();
  const got: Array<{ v: number; at: number }> = [];
  const c = createCoalescer<number>((v) => got.push({ v, at: clock.now() }), { clock, intervalMs: 34 });
  const start = clock.now();
  for (let i = 1; i <= 1000; i++) {
    c.push(i);
    await clock.advance(1); // 1000 updates over one second
  }
  await clock.advance(100);
  assert.ok(got.length <= 31, `${got.length} updates in a second`);
  assert.equal(got.at(-1)?.v, 1000, 'the final value arrives');
  for (let i = 1; i < got.length; i++) assert.ok(got[i]!.at - got[i - 1]!.at >= 34);
  assert.ok(got[0]!.at === start + 0);
});

test('terminal values arrive at once and replace a pending one', async () => {
  const clock = new ManualClock();
  const got: string[] = [];
  const c = createCoalescer<string>((v) => got.push(v), { clock });
  c.push('p1');
  c.push('p2'); // pending
  c.push('done', true);
  await clock.advance(100);
  assert.deepEqual(got, ['p1', 'done']);
  assert.equal(clock.pendingTimers, 0, 'no timer left behind');
});

test('a timer that fires late never lets two updates through closer than the interval', async () => {
  // The event loop was busy: a value's timer is overdue when the next value arrives and is sent
  // at once. The overdue timer must not then send the value after it a moment later.
  const clock = new ManualClock();
  const got: Array<{ v: number; at: number }> = [];
  const c = createCoalescer<number>((v) => got.push({ v, at: clock.now() }), { clock, intervalMs: 34 });
  c.push(1);
  await clock.advance(5);
  c.push(2); // pending, timer due in 29 ms
  clock.jump(35); // time passes, the timer has not run yet
  c.push(3); // 40 ms since the last update: sent at once
  c.push(4); // pending again
  await clock.advance(100);
  assert.deepEqual(got.map((g) => g.v), [1, 3, 4]);
  for (let i = 1; i < got.length; i++) assert.ok(got[i]!.at - got[i - 1]!.at >= 34, `gap ${got[i]!.at - got[i - 1]!.at} ms`);
});
