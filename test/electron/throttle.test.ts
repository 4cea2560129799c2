import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThrottle, type Clock } from '../../main/electron/throttle.js';

/** A fake clock: time moves only when the test advances it. */
function fakeClock(): Clock & { advance(ms: number): void; pending(): number } {
  let t = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => t,
    setTimeout(fn, ms) { const id = ++ids; timers.push({ at: t + ms, fn, id }); return id; },
    clearTimeout(h) { timers = timers.filter((x) => x.id !== h); },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = due.at;
        due.fn();
      }
      t = end;
    },
    pending: () => timers.length,
  };
}

type S = { phase: string; pct: number };
// Same rule the tray uses: only progress while running (and already running) may wait.
const isUrgent = (n: S, p: S | undefined): boolean => n.phase !== 'running' || p?.phase !== 'running';

test('progress is rendered at most once per second, with the latest value', () => {
  const clock = fakeClock();
  const rendered: [number, S][] = [];
  const th = createThrottle<S>({ intervalMs: 1000, clock, isUrgent, render: (v) => rendered.push([clock.now(), v]) });
  th.push({ phase: 'running', pct: 0 }); // run starts: immediate
  for (let i = 1; i <= 50; i++) { clock.advance(50); th.push({ phase: 'running', pct: i }); } // 20 updates/s for 2.5 s
  clock.advance(2000);
  const times = rendered.map(([t]) => t);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 1000, `renders ${times[i - 1]} and ${times[i]} are closer than 1 s`);
  assert.deepEqual(rendered.at(-1)![1], { phase: 'running', pct: 50 }, 'the last progress is not lost');
  assert.ok(rendered.length <= 4, `rendered ${rendered.length} times`);
  assert.equal(clock.pending(), 0);
});

test('a terminal state is rendered immediately and cancels the pending progress render', () => {
  const clock = fakeClock();
  const rendered: S[] = [];
  const th = createThrottle<S>({ intervalMs: 1000, clock, isUrgent, render: (v) => rendered.push(v) });
  th.push({ phase: 'running', pct: 0 });
  clock.advance(100);
  th.push({ phase: 'running', pct: 10 }); // waits
  assert.equal(rendered.length, 1);
  clock.advance(100);
  th.push({ phase: 'idle', pct: 100 }); // finished: now
  assert.deepEqual(rendered, [{ phase: 'running', pct: 0 }, { phase: 'idle', pct: 100 }]);
  clock.advance(5000);
  assert.equal(rendered.length, 2, 'the stale progress is not rendered after the terminal state');
});

test('dispose drops a pending render', () => {
  const clock = fakeClock();
  const rendered: S[] = [];
  const th = createThrottle<S>({ intervalMs: 1000, clock, isUrgent, render: (v) => rendered.push(v) });
  th.push({ phase: 'running', pct: 0 });
  th.push({ phase: 'running', pct: 5 });
  th.dispose();
  clock.advance(5000);
  assert.equal(rendered.length, 1);
});
