// One AbortController per request that merges the caller's signal with our own timers and
// remembers WHY it fired, so a plain AbortError can be reported as timeout, stall or cancel.
import { BackupsApiError } from './errors.js';

export type AbortReason = 'timeout' | 'stalled' | 'no-progress' | 'canceled' | 'done';

/** The longest delay setTimeout honours; a longer one would fire at once (it overflows to 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay setTimeout can take: at most MAX_TIMER_MS, so a huge setting means "very long", not "now". */
export function timerDelay(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_TIMER_MS) : 0;
}

export class RequestControl {
  readonly controller = new AbortController();
  reason: AbortReason | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly caller: AbortSignal | undefined;
  private readonly onCallerAbort = () => this.abort('canceled');

  constructor(caller?: AbortSignal) {
    this.caller = caller;
    if (caller?.aborted) throw new BackupsApiError('canceled', 'The request to PiecesOS was canceled.');
    caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private armed: { ms: number; reason: 'timeout' | 'stalled' } | null = null;

  /** (Re)starts the timer; when it runs out the request is aborted for `reason`. Re-arming with
   * the same values (every chunk of a stream) only refreshes the running timer. */
  arm(ms: number, reason: 'timeout' | 'stalled'): void {
    if (this.timer !== null && this.armed?.ms === ms && this.armed.reason === reason) {
      this.timer.refresh();
      return;
    }
    this.disarm();
    this.armed = { ms, reason };
    this.timer = setTimeout(() => this.abort(reason), timerDelay(ms));
  }

  disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armed = null;
  }

  abort(reason: AbortReason): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.disarm();
    this.controller.abort();
  }

  /** Stops timers and listeners; aborts any body still open so sockets are not left dangling. */
  dispose(): void {
    this.disarm();
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    if (this.reason === null) this.abort('done');
  }
}
