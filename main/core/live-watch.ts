// What the live watch of PiecesOS means to the app: "PiecesOS is running a backup or restore that
// another client started (e.g. Pieces Desktop), this far", and "a backup or restore ended" (the
// list may have changed). The socket itself is main/api/progress-watch-socket.ts.
import { ProgressSocketWatch, type LiveRun, type ProgressSocketOptions } from '../api/progress-watch-socket.js';
import { TERMINAL_STATUSES } from '../api/wire.js';
import type { Clock } from '../engine/clock.js';
import type { ExternalRun } from '../engine/types.js';

export interface LiveWatchOptions {
  baseUrl: ProgressSocketOptions['baseUrl'];
  clock?: Clock;
  /** This app is running its own backup or restore: what PiecesOS reports now is ours, not another client's. */
  ownRunActive: () => boolean;
  /** Another client's run, or null when there is none (also when the watch loses PiecesOS). */
  onExternal: (run: ExternalRun | null) => void;
  /** A backup or restore ended in PiecesOS (whoever ran it); `status` UNKNOWN when it just left the list. */
  onRunEnded: (run: { kind: LiveRun['kind']; status: LiveRun['status'] }) => void;
  log?: ProgressSocketOptions['log'];
  /** For tests: the reconnect backoff. */
  delaysMs?: readonly number[];
}

export interface LiveWatch {
  stop(): void;
  /** The socket's state (tests and `status`). */
  readonly status: ProgressSocketWatch['status'];
}

export function startLiveWatch(opts: LiveWatchOptions): LiveWatch {
  let external: ExternalRun | null = null;
  /** How many runs of each kind were in progress in the last message, to notice one that left without a final status. */
  let inProgress = { backup: 0, restore: 0 };

  const setExternal = (next: ExternalRun | null) => {
    if (next?.kind === external?.kind && next?.percentage === external?.percentage) return;
    external = next;
    opts.onExternal(next);
  };

  const onRuns = (runs: LiveRun[]) => {
    const running = runs.filter((r) => !TERMINAL_STATUSES.has(r.status));
    for (const r of runs) if (TERMINAL_STATUSES.has(r.status)) opts.onRunEnded({ kind: r.kind, status: r.status });
    for (const kind of ['backup', 'restore'] as const) {
      const now = running.filter((r) => r.kind === kind).length;
      const endedHere = runs.some((r) => r.kind === kind && TERMINAL_STATUSES.has(r.status));
      if (now < inProgress[kind] && !endedHere) opts.onRunEnded({ kind, status: 'UNKNOWN' });
    }
    inProgress = { backup: running.filter((r) => r.kind === 'backup').length, restore: running.filter((r) => r.kind === 'restore').length };
    // A restore replaces the data, so it is the one to name when both run.
    const shown = running.find((r) => r.kind === 'restore') ?? running[0];
    setExternal(shown === undefined || opts.ownRunActive() ? null : { kind: shown.kind, percentage: shown.percentage });
  };

  const socket = new ProgressSocketWatch({
    baseUrl: opts.baseUrl,
    onRuns,
    onConnection: (connected) => {
      if (connected) return;
      // PiecesOS gone (or restarting): what it ran is unknown now, so nothing holds the engine back.
      inProgress = { backup: 0, restore: 0 };
      setExternal(null);
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.delaysMs ? { delaysMs: opts.delaysMs } : {}),
  });
  socket.start();
  return {
    stop: () => socket.stop(),
    get status() {
      return socket.status;
    },
  };
}
