// The emulator's WebSocket routes: `/backups/streamed/progress` (every create and restore in
// progress, whoever started it, as BackupsStreamedProgress, sent on every change) and the two
// WebSocket twins of the streamed create and restore (BackupStreamedProgress values, then close).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CanceledError, type BackupService, type WorkChange, type WorkKind } from './backup-service.js';
import type { StoredBackup } from './store.js';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

export interface ProgressSockets {
  /** Handles an HTTP upgrade; false when the path is not one of these routes (the caller answers 404). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

export interface ProgressSocketOptions {
  service: BackupService;
  bytesPerSecond: number | undefined;
  closing: AbortSignal;
  jobs: Set<Promise<unknown>>;
  log: (line: string) => void;
}

/** One BackupStreamedProgress value: a create carries its id as `backup_id` (as in the streamed
 * create), and `backup` once it exists (a restore's backup exists from the start). */
function valueOf(service: BackupService, change: WorkChange): Record<string, unknown> {
  const v: Record<string, unknown> = { status: change.status, percentage: change.percentage };
  if (change.kind === 'create') v.backup_id = change.record.id;
  if (change.kind === 'restore' || change.status === 'COMPLETED') v.backup = service.toWire(change.record);
  return v;
}

export function progressSockets(opts: ProgressSocketOptions): ProgressSockets {
  const { service } = opts;
  const wss = new WebSocketServer({ noServer: true });
  const watchers = new Set<WebSocket>();
  // What runs now (at most one in the emulator, but the message has room for many).
  let current: WorkChange | null = null;

  const message = (extra: WorkChange | null): string => {
    const shown = [current, extra].filter((c): c is WorkChange => c !== null);
    const of = (kind: WorkKind) => shown.filter((c) => c.kind === kind).map((c) => valueOf(service, c));
    return JSON.stringify({ backups: of('create'), restorations: of('restore') });
  };

  // Every change goes to every watcher; a run that ended is in one last message with its final status.
  service.watch((change) => {
    const ended = TERMINAL.has(change.status);
    current = ended ? null : change;
    const text = message(ended ? change : null);
    for (const ws of watchers) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  function watchProgress(ws: WebSocket): void {
    watchers.add(ws);
    ws.on('close', () => watchers.delete(ws));
    ws.on('error', () => watchers.delete(ws));
    ws.send(message(null)); // where things stand now, so a new watcher need not wait for a change
  }

  /** A twin of the streamed create or restore: the work's values on the socket, then close. */
  function runTwin(ws: WebSocket, kind: WorkKind, id: string | null): void {
    ws.on('error', () => undefined);
    const send = (v: Record<string, unknown>) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(v));
    };
    const extra: Record<string, unknown> = {};
    let last: number | null = 0;
    const onProgress = (percent: number) => {
      last = percent;
      send({ status: percent === 0 ? 'INITIALIZED' : 'IN-PROGRESS', percentage: percent, ...extra });
    };
    const onReset = () => send({ status: 'RESET', percentage: 0, ...extra });
    const job: Promise<StoredBackup> = kind === 'create'
      ? service.create({ signal: opts.closing, bytesPerSecond: opts.bytesPerSecond, onProgress, onReset, onStart: (bid) => (extra.backup_id = bid) })
      : service.restore({ id: id ?? '', signal: opts.closing, bytesPerSecond: opts.bytesPerSecond, onProgress, onReset });
    opts.jobs.add(job);
    job.then(
      (record) => send({ status: 'COMPLETED', percentage: 100, backup: service.toWire(record), ...extra }),
      (e: unknown) => {
        if (!(e instanceof CanceledError) && !opts.closing.aborted) opts.log(`The emulated ${kind === 'create' ? 'backup' : 'restore'} (WebSocket) failed: ${(e as Error).message}`);
        send({ status: e instanceof CanceledError ? 'CANCELED' : 'FAILED', percentage: last, ...extra, message: (e as Error).message });
      },
    ).finally(() => {
      opts.jobs.delete(job);
      ws.close();
    });
  }

  return {
    upgrade(req, socket, head) {
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      const restore = /^\/backup\/([^/]+)\/restore\/streamed\/websocket$/.exec(pathname);
      let route: (ws: WebSocket) => void;
      if (pathname === '/backups/streamed/progress') {
        route = watchProgress;
      } else if (pathname === '/backups/create/streamed/websocket') {
        route = (ws) => runTwin(ws, 'create', null);
      } else if (restore?.[1] !== undefined) {
        let id: string;
        try {
          id = decodeURIComponent(restore[1]);
        } catch {
          return false;
        }
        route = (ws) => runTwin(ws, 'restore', id);
      } else {
        return false;
      }
      wss.handleUpgrade(req, socket, head, route);
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
