// The "no progress" timer of a streamed create: a server can keep a stream lively with values
// that say nothing new (the same status and percentage over and over). This watch fires when
// neither has changed for `ms`, whatever else arrives; the silence (stall) timer is separate.
import { timerDelay } from './request-control.js';
import type { BackupProgress } from './wire.js';

export class ProgressWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seen: BackupProgress | null = null;
  private readonly ms: number;
  private readonly onStuck: () => void;

  /** `ms` that is not a positive number turns the watch off. */
  constructor(ms: number, onStuck: () => void) {
    this.ms = ms;
    this.onStuck = onStuck;
  }

  /** The last value that moved (status or percentage changed), null before the first one. */
  get last(): BackupProgress | null {
    return this.seen;
  }

  /** Starts the clock (when the stream's body begins). */
  start(): void {
    if (!(this.ms > 0) || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onStuck();
    }, timerDelay(this.ms));
  }

  /** A value arrived: the clock restarts only if it says something new. */
  saw(p: BackupProgress): void {
    const prev = this.seen;
    if (prev !== null && prev.status === p.status && prev.percentage === p.percentage) return;
    this.seen = p;
    this.timer?.refresh();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
