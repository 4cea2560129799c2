// Time as the engine sees it. Everything that waits goes through a Clock so tests can run days of
// schedule in milliseconds (ManualClock) and simulate sleep or a clock change (jump).

export type TimerHandle = { readonly __timer: true } | ReturnType<typeof setTimeout>;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(h: TimerHandle | null | undefined): void;
}

/** Node's own clock. Timers are unref'd: a pending schedule alone never keeps a CLI process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    // Node caps timers at 2^31-1 ms; callers re-arm in chunks anyway.
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2_147_483_647)));
    t.unref?.();
    return t;
  },
  clearTimeout(h) {
    if (h) clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. Timers are kept against a monotonic "elapsed" time, the wall
 * time is elapsed plus an offset, so `jump` can move the wall clock (sleep, NTP, a person changing
 * the date) without firing anything, just as a real OS clock change does not fire Node timers.
 */
export class ManualClock implements Clock {
  #elapsed = 0;
  #offset: number;
  #seq = 0;
  #timers: ManualTimer[] = [];

  constructor(startWallMs: number = Date.UTC(2026, 10, 27, 9, 0, 0)) {
    this.#offset = startWallMs;
  }

  now(): number {
    return this.#elapsed + this.#offset;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.push({ id, at: this.#elapsed + Math.max(0, ms), fn });
    return { __timer: true, id } as unknown as TimerHandle;
  }

  clearTimeout(h: TimerHandle | null | undefined): void {
    if (!h) return;
    const id = (h as unknown as { id: number }).id;
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** How many timers are pending (tests check that idle keeps this small). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** The delay until the next timer, or null. */
  nextTimerIn(): number | null {
    if (this.#timers.length === 0) return null;
    return Math.min(...this.#timers.map((t) => t.at)) - this.#elapsed;
  }

  /**
   * Move time forward, firing due timers in order (ties in creation order). Awaits a few
   * microtask turns after each timer so async work it started can settle and arm new timers.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#elapsed + ms;
    for (;;) {
      await settle();
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#elapsed = Math.max(this.#elapsed, due.at);
      due.fn();
    }
    this.#elapsed = end;
    await settle();
  }

  /** Move the wall clock by ms (negative: back) without firing timers. */
  jump(ms: number): void {
    this.#offset += ms;
  }
}

/** Let pending promise chains (including real fs I/O done by setImmediate-based work) run. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
