// Coalesces a stream of values so a consumer gets at most one per interval (≈30/s at 34 ms), always
// the latest, while terminal values (phase changes, a run's end) are delivered at once, never dropped.
// Leading edge: a value that comes when nothing was sent for an interval goes at once. And one late
// value must not make the next one late: a value that is the first since the last update goes at
// once after half an interval when the two updates before it are two intervals apart (the last one
// was late, not early). Any two consecutive gaps then still add up to two intervals or more, so
// no second ever holds more updates than before (≤ 30 at 34 ms). And a run's first value, a few
// ms after its start (a terminal value), waits half an interval, not a whole one.
import type { Clock, TimerHandle } from './clock.js';

export interface Coalescer<T> {
  push(value: T, terminal?: boolean): void;
  /** Deliver a pending value now (e.g. before shutting down). */
  flush(): void;
  dispose(): void;
}

export function createCoalescer<T>(deliver: (v: T) => void, opts: { clock: Clock; intervalMs?: number }): Coalescer<T> {
  const interval = opts.intervalMs ?? 34;
  let last = Number.NEGATIVE_INFINITY;
  /** The update before `last`. */
  let before = Number.NEGATIVE_INFINITY;
  let pending: { v: T } | null = null;
  let timer: TimerHandle | null = null;
  /** The last update was a terminal value. */
  let afterTerminal = false;

  const emit = (v: T, terminal = false) => {
    afterTerminal = terminal;
    before = last;
    last = opts.clock.now();
    try {
      deliver(v);
    } catch {
      // A failing consumer must not break the engine.
    }
  };
  const flush = () => {
    if (timer) opts.clock.clearTimeout(timer);
    timer = null;
    if (pending) {
      const p = pending;
      pending = null;
      emit(p.v);
    }
  };
  return {
    push(v, terminal = false) {
      if (terminal) {
        pending = null;
        if (timer) opts.clock.clearTimeout(timer);
        timer = null;
        emit(v, true);
        return;
      }
      const now = opts.clock.now();
      const since = now - last;
      // The first value since the last update, which itself came late: see the top of this file.
      const afterLate = pending === null && since >= interval / 2 && now - before >= 2 * interval;
      // `since < 0`: the wall clock went back; treat as "long ago" rather than waiting for it.
      if (since >= interval || since < 0 || afterLate) {
        // A timer left from an earlier value would fire moments after this one: drop it.
        if (timer) opts.clock.clearTimeout(timer);
        timer = null;
        pending = null;
        emit(v);
        return;
      }
      // After a terminal value (a run's start, a phase change) the first value waits half an
      // interval: a start is often two updates a moment apart, and a whole interval behind them
      // made every run's first percentages late. Terminal values are a few per run, so this adds
      // at most one update to a second that has one. Otherwise a whole interval, so a flood's
      // updates stay evenly spaced.
      const due = afterTerminal ? last + interval / 2 : last + interval;
      pending = { v };
      if (!timer) timer = opts.clock.setTimeout(flush, due - now);
    },
    flush,
    dispose() {
      if (timer) opts.clock.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
