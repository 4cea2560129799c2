// Keeping the backup list fresh: one coalesced, rate-limited refresh, and a watch on the settings
// folder for the files another process (the daemon, the CLI, a second app) writes when it creates,
// restores, deletes or prunes.
import { watch, type FSWatcher } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../engine/clock.js';
import { DELETIONS_FILE, HISTORY_FILE } from '../engine/history.js';

/** Never list the backups more often than this, however many changes arrive. */
export const MIN_REFRESH_INTERVAL_MS = 1000;

export interface CoalescedRefresh<T> {
  /** Ask for a run that starts now or later (never earlier than the interval after the last one).
   * Calls made while one is waiting share it; a call made while one runs gets the next one, so it
   * always sees what changed before it was made. */
  request(): Promise<T>;
  /** Drop a waiting run (its callers get `fallback`) and run no more. */
  close(): void;
}

/** `run` must not reject (it returns its failure as a value); a rejection becomes `fallback()`. */
export function coalesceRefresh<T>(run: () => Promise<T>, opts: { clock: Clock; fallback: () => T; minIntervalMs?: number }): CoalescedRefresh<T> {
  const min = opts.minIntervalMs ?? MIN_REFRESH_INTERVAL_MS;
  let inFlight: Promise<unknown> | null = null;
  let queued: Promise<T> | null = null;
  let settleQueued: ((v: T) => void) | null = null;
  let timer: TimerHandle | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  let closed = false;

  const start = (): Promise<T> => {
    lastStart = opts.clock.now();
    const p = run().catch(() => opts.fallback());
    const tracked: Promise<unknown> = p.finally(() => {
      if (inFlight === tracked) inFlight = null;
    });
    inFlight = tracked;
    return p;
  };

  return {
    request() {
      if (closed) return Promise.resolve(opts.fallback());
      if (queued) return queued;
      const after = inFlight ?? Promise.resolve();
      queued = new Promise<T>((resolve) => {
        settleQueued = resolve;
        void after.then(() => {
          if (closed) return;
          // Clamped: a clock set back must not postpone the refresh by hours.
          const delay = Math.min(min, lastStart + min - opts.clock.now());
          const go = () => {
            timer = null;
            queued = null;
            settleQueued = null;
            void start().then(resolve);
          };
          if (delay <= 0) go();
          else timer = opts.clock.setTimeout(go, delay);
        });
      });
      return queued;
    },
    close() {
      closed = true;
      opts.clock.clearTimeout(timer);
      timer = null;
      settleQueued?.(opts.fallback());
      queued = null;
      settleQueued = null;
    },
  };
}

/** Rewritten after a delete by hand (the CLI's `delete`, a window's ✕), which leaves no history. */
export const LIST_CHANGED_FILE = 'backups-changed';

/** The files that change when any process on this settings folder backs up, restores, deletes or prunes. */
export const RUN_FILES: ReadonlySet<string> = new Set([HISTORY_FILE, DELETIONS_FILE, LIST_CHANGED_FILE]);

/** Tell the other processes on `dir` that the backup list changed. Best effort: a folder that
 * does not exist has nobody watching it (it is not created for this), and one that cannot be
 * written only means they see the change when they next list. */
export async function noteListChanged(dir: string): Promise<void> {
  try {
    await writeFile(join(dir, LIST_CHANGED_FILE), `${new Date().toISOString()} ${process.pid}\n`, 'utf8');
  } catch {
    // Nothing to do: see above.
  }
}

/**
 * Call `onChange` when the history or the deletion log in `dir` changes. Like the settings store's
 * watch: the folder, not the files (they are replaced by a rename, which ends a watch on a file),
 * non-persistent, no timer. Returns a close function; without watch support it does nothing (the
 * list is then refreshed when the window opens and on Refresh).
 */
export function watchRunFiles(dir: string, onChange: () => void): () => void {
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      // A null name: the platform did not say which file; it may have been one of ours.
      if (name === null || RUN_FILES.has(String(name))) onChange();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null;
  }
  return () => {
    watcher?.close();
    watcher = null;
  };
}
