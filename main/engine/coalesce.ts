// Coalesces a stream of values so a consumer gets at most one per interval (≈30/s at 34 ms), always
// the latest, while terminal values (phase changes, a run's end) are delivered at once, never dropped.
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
  let pending: { v: T } | null = null;
  let timer: TimerHandle | null = null;

  const emit = (v: T) => {
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
        emit(v);
        return;
      }
      const since = opts.clock.now() - last;
      // `since < 0`: the wall clock went back; treat as "long ago" rather than waiting for it.
      if (since >= interval || since < 0) {
        // A timer left from an earlier value would fire moments after this one: drop it.
        if (timer) opts.clock.clearTimeout(timer);
        timer = null;
        pending = null;
        emit(v);
        return;
      }
      pending = { v };
      if (!timer) timer = opts.clock.setTimeout(flush, interval - since);
    },
    flush,
    dispose() {
      if (timer) opts.clock.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
