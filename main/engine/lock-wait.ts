// A backup that finds another process's backup lock waits for it (the engine's phase `waiting`)
// instead of giving up: the lock is tried again every WAIT_POLL_MS until it is free or stale, then
// the backup runs. One wait at a time, whatever number of attempts (polls, schedule ticks, clicks)
// it takes; an automatic backup that has waited over WAIT_NOTICE_MS is reported once.
import { failureOf } from '../api/errors.js';
import type { Clock, TimerHandle } from './clock.js';
import type { HeldLock, LockOwner, RunLockFn } from './run.js';
import type { Trigger, WaitingInfo } from './types.js';
import { holderOf } from './run-lock.js';

/** While another process holds the backup lock, try it again this often (only while waiting). */
export const WAIT_POLL_MS = 30_000;
/** An automatic backup that has waited this long for the lock is worth one notification. */
export const WAIT_NOTICE_MS = 60 * 60_000;

export interface LockWaitOptions {
  clock: Clock;
  runLock: RunLockFn | undefined;
  log: (level: 'info' | 'warn', message: string) => void;
  /** A run is in flight here (it may be the attempt that began the wait, still being recorded). */
  busy(): boolean;
  stopping(): boolean;
  /** The lock is ours: run the waiting backup with it (its run ends the wait). */
  run(trigger: Trigger, lock: HeldLock): void;
  /** The wait began, ended or now names another holder. */
  changed(): void;
  /** An automatic backup has waited over WAIT_NOTICE_MS (once per wait). */
  long(info: WaitingInfo): void;
}

export class LockWait {
  readonly #o: LockWaitOptions;
  #waiting: (WaitingInfo & { noticed: boolean }) | null = null;
  #timer: TimerHandle | null = null;

  constructor(opts: LockWaitOptions) {
    this.#o = opts;
  }

  /** The wait as the state shows it, or null. */
  info(): WaitingInfo | null {
    const w = this.#waiting;
    return w ? { trigger: w.trigger, since: w.since, heldBy: { ...w.heldBy } } : null;
  }

  /** Wait (or go on waiting) for `owner`'s lock; true when this begins a new wait (worth one record). */
  begin(trigger: Trigger, since: string, owner: LockOwner): boolean {
    const heldBy = holderOf(owner);
    const first = this.#waiting === null;
    if (this.#waiting) this.#waiting.heldBy = heldBy;
    else this.#waiting = { trigger, since, heldBy, noticed: false };
    this.#arm();
    return first;
  }

  /** Pausing stops automatic backups, waiting ones too; a manual one still runs when it can. */
  dropAutomatic(): void {
    if (this.#waiting && this.#waiting.trigger !== 'manual') this.end();
  }

  end(): void {
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#waiting === null) return;
    this.#waiting = null;
    this.#o.changed();
  }

  #arm(): void {
    if (this.#timer || this.#o.stopping()) return;
    this.#timer = this.#o.clock.setTimeout(() => void this.#poll(), WAIT_POLL_MS);
  }

  async #poll(): Promise<void> {
    this.#timer = null;
    const w = this.#waiting;
    if (!w || this.#o.stopping() || !this.#o.runLock) return;
    // A run in flight (perhaps the attempt that began this wait, still recording it, or a restore)
    // ends the wait if it takes the lock; if not, the wait goes on.
    if (this.#o.busy()) {
      this.#arm();
      return;
    }
    let got: Awaited<ReturnType<RunLockFn>>;
    try {
      got = await this.#o.runLock('backup');
    } catch (e) {
      this.#o.log('warn', `Could not check the backup lock (${failureOf(e).message}); trying again in ${WAIT_POLL_MS / 1000} s.`);
      this.#arm();
      return;
    }
    if (this.#waiting !== w || this.#o.stopping() || this.#o.busy()) {
      if ('lock' in got) await got.lock.release().catch(() => undefined);
      if (this.#waiting === w) this.#arm();
      return;
    }
    if ('lock' in got) {
      this.#o.run(w.trigger, got.lock);
      return;
    }
    const heldBy = holderOf(got.heldBy);
    const changed = JSON.stringify(heldBy) !== JSON.stringify(w.heldBy);
    w.heldBy = heldBy;
    if (!w.noticed && w.trigger !== 'manual' && this.#o.clock.now() - Date.parse(w.since) > WAIT_NOTICE_MS) {
      w.noticed = true;
      this.#o.long(this.info()!);
    }
    this.#arm();
    if (changed) this.#o.changed();
  }
}
