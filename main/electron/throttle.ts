// Rebuilding a native menu is not free and a streamed backup reports progress many times a
// second, so the tray menu is rebuilt at most once per interval while progress streams. Any
// other change (a run starting or ending, a pause, an error) is shown at once.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Throttle<T> {
  /** Offer a new value; it is rendered now, or at the end of the current interval. */
  push(value: T): void;
  /** Drop a pending render (on quit). */
  dispose(): void;
}

/**
 * @param isUrgent decides whether `next` must be shown immediately given the last value pushed
 *   (e.g. anything but a progress-only change while running).
 */
export function createThrottle<T>(opts: {
  intervalMs: number;
  clock: Clock;
  render: (value: T) => void;
  isUrgent: (next: T, prev: T | undefined) => boolean;
}): Throttle<T> {
  const { intervalMs, clock, render, isUrgent } = opts;
  let lastRenderAt = -Infinity;
  let prev: T | undefined;
  let pending: { value: T } | null = null;
  let timer: unknown = null;

  const flush = (value: T): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    pending = null;
    lastRenderAt = clock.now();
    render(value);
  };

  return {
    push(value) {
      const urgent = isUrgent(value, prev);
      prev = value;
      const since = clock.now() - lastRenderAt;
      if (urgent || since >= intervalMs) return flush(value);
      pending = { value };
      if (timer === null) {
        timer = clock.setTimeout(() => {
          timer = null;
          if (pending) flush(pending.value);
        }, intervalMs - since);
      }
    },
    dispose() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
