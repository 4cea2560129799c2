// The live watch of PiecesOS: the WebSocket `/backups/streamed/progress`, kept open while the app
// or the daemon runs. Each message (BackupsStreamedProgress) lists every backup and restore in
// progress, whoever started it. Messages are validated; a bad one is ignored, never fatal.
//
// Cost: while connected nothing here wakes (no timer, no ping: on loopback a PiecesOS that quits
// closes the socket). While PiecesOS is gone it tries again on a capped backoff: a few quick
// attempts (it may be restarting), then at most one a minute, through the injectable Clock
// (unref'd timers on the system clock, so the watch alone never keeps a process alive).
import WebSocket from 'ws';
import { systemClock, type Clock, type TimerHandle } from '../engine/clock.js';
import { fromWireBackup, wireBackupsStreamedProgress, type Backup, type BackupStatus } from './wire.js';

/** One backup or restore in progress in PiecesOS. */
export interface LiveRun {
  kind: 'backup' | 'restore';
  status: BackupStatus;
  percentage: number | null;
  /** Present once the backup exists (a completed create) and for a restore (the backup restored). */
  backup?: Backup;
}

export type SocketStatus = 'stopped' | 'connecting' | 'open' | 'waiting';

export interface ProgressSocketOptions {
  /** PiecesOS's base URL (http://127.0.0.1:39300), or null when it is not known yet (tried again later). */
  baseUrl: () => Promise<string | null> | string | null;
  /** Every valid message: all runs in progress now (terminal ones in the message that ends them). */
  onRuns: (runs: LiveRun[]) => void;
  /** The socket opened (true) or closed (false). */
  onConnection?: (connected: boolean) => void;
  clock?: Clock;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** Waits between attempts while PiecesOS is gone; the last one repeats. */
  delaysMs?: readonly number[];
  /** The wait when PiecesOS answers but does not serve this WebSocket (an older release). */
  notServedDelayMs?: number;
}

/** Two quick attempts (a PiecesOS restarting is back within seconds), then one a minute: the
 * issue's "at most one wake-up a minute" while PiecesOS is gone, measured in the bench's idle section. */
export const RECONNECT_DELAYS_MS: readonly number[] = [1_000, 10_000, 60_000];
const NOT_SERVED_DELAY_MS = 10 * 60_000;
/** A connection that lasted this long was healthy: the next drop starts the backoff over. */
const HEALTHY_MS = 60_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** ws://…/backups/streamed/progress from PiecesOS's http base URL (a path prefix kept). */
export function progressSocketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/backups/streamed/progress`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The runs in one message, or null when it is not a valid BackupsStreamedProgress. */
export function parseLiveRuns(text: string): LiveRun[] | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = wireBackupsStreamedProgress.safeParse(json);
  if (!parsed.success) return null;
  const runs: LiveRun[] = [];
  const add = (kind: LiveRun['kind'], list: typeof parsed.data.backups) => {
    for (const v of list ?? []) {
      const run: LiveRun = { kind, status: v.status ?? 'UNKNOWN', percentage: v.percentage ?? null };
      if (v.backup) run.backup = fromWireBackup(v.backup);
      runs.push(run);
    }
  };
  add('backup', parsed.data.backups);
  add('restore', parsed.data.restorations);
  return runs;
}

export class ProgressSocketWatch {
  readonly #o: ProgressSocketOptions;
  readonly #clock: Clock;
  readonly #delays: readonly number[];
  #status: SocketStatus = 'stopped';
  #socket: WebSocket | null = null;
  #timer: TimerHandle | null = null;
  #failures = 0;
  #openedAt: number | null = null;
  #badMessages = 0;
  /** Bumped by stop(): a connection begun before it is dropped when it resolves. */
  #generation = 0;

  constructor(opts: ProgressSocketOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#delays = opts.delaysMs && opts.delaysMs.length > 0 ? opts.delaysMs : RECONNECT_DELAYS_MS;
  }

  get status(): SocketStatus {
    return this.#status;
  }

  start(): void {
    if (this.#status !== 'stopped') return;
    this.#status = 'waiting';
    void this.#connect();
  }

  stop(): void {
    this.#generation++;
    this.#status = 'stopped';
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#socket;
    this.#socket = null;
    if (s) {
      s.removeAllListeners();
      s.on('error', () => undefined); // a terminate while connecting reports one; nothing to do
      s.terminate();
    }
  }

  async #connect(): Promise<void> {
    const generation = this.#generation;
    this.#timer = null;
    this.#status = 'connecting';
    let base: string | null;
    try {
      base = await this.#o.baseUrl();
    } catch {
      base = null; // PiecesOS not found: same as gone
    }
    if (generation !== this.#generation) return;
    if (base === null) return this.#retryLater();
    let socket: WebSocket;
    try {
      socket = new WebSocket(progressSocketUrl(base), { handshakeTimeout: HANDSHAKE_TIMEOUT_MS, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    } catch (e) {
      this.#log('warn', `The live watch of PiecesOS could not start (${(e as Error).message}); trying again later.`);
      return this.#retryLater();
    }
    this.#socket = socket;
    let notServed = false;
    socket.on('unexpected-response', (_req, res) => {
      // PiecesOS answers but without this WebSocket (an older release): ask again rarely.
      notServed = true;
      if (this.#failures === 0) this.#log('info', `PiecesOS does not serve the live progress WebSocket (HTTP ${res.statusCode ?? '?'}); runs started elsewhere show when the list is next read.`);
      res.destroy(); // its body is not read: a hostile server could send a huge one
      socket.terminate();
    });
    socket.on('open', () => {
      this.#status = 'open';
      this.#openedAt = this.#clock.now();
      this.#safely(() => this.#o.onConnection?.(true));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const runs = parseLiveRuns(String(data));
      if (runs === null) {
        // Ignored; said once per connection so a chatty server cannot flood the log.
        if (this.#badMessages++ === 0) this.#log('warn', 'PiecesOS sent a live progress message Pieces Backup does not understand; it was ignored.');
        return;
      }
      this.#safely(() => this.#o.onRuns(runs));
    });
    socket.on('error', () => undefined); // 'close' follows and decides what next
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#badMessages = 0;
      const wasOpen = this.#openedAt !== null;
      if (wasOpen && this.#clock.now() - (this.#openedAt ?? 0) >= HEALTHY_MS) this.#failures = 0;
      this.#openedAt = null;
      if (wasOpen) this.#safely(() => this.#o.onConnection?.(false));
      if (this.#status !== 'stopped') this.#retryLater(notServed ? (this.#o.notServedDelayMs ?? NOT_SERVED_DELAY_MS) : undefined);
    });
  }

  #retryLater(delayMs?: number): void {
    if (this.#status === 'stopped') return;
    const delay = delayMs ?? this.#delays[Math.min(this.#failures, this.#delays.length - 1)] ?? 60_000;
    this.#failures++;
    this.#status = 'waiting';
    this.#timer = this.#clock.setTimeout(() => void this.#connect(), delay);
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log('warn', `Handling PiecesOS's live progress failed (${(e as Error).message}); the watch goes on.`);
    }
  }

  #log(level: 'info' | 'warn', message: string): void {
    this.#o.log?.(level, message);
  }
}
