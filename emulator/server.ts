// The emulator's HTTP server: PiecesOS's Backups API (plus discovery endpoints) over real work,
// with injectable faults and framings, and a control endpoint (`/__emulator/*`) only it has.
import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BackupService, BusyError } from './backup-service.js';
import { BodyTooLarge, parseOptionalObject, readBody, sendError, sendJson, sendText } from './http-util.js';
import { progressSockets } from './progress-socket.js';
import { recoverInterruptedRestore } from './restorer.js';
import { ensureSampleDatabase, sampleDatabasePath } from './sample-db.js';
import { handleCancel, handleCreate, handleGet, handleRestore, handleStatus, noSuchBackup, type WorkContext } from './work-routes.js';
import {
  DEFAULT_VERSION, faultsSchema, framingBodySchema, FRAMINGS, platformOf, seedBodySchema,
  type EmulatorOptions, type Faults, type Framing, type RunningEmulator,
} from './types.js';

export type { EmulatorOptions, Faults, Framing, RunningEmulator, SeedOptions } from './types.js';

function describeZodError(what: string, e: z.ZodError): string {
  const issues = e.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
  return `${what} is not valid (${issues}); fix the request body and try again.`;
}

/** The emulator's local database: the folder it backs up and restores over. */
async function resolveSource(opts: EmulatorOptions, log: (line: string) => void): Promise<string> {
  // First put back what a restore cut short left (before a missing sample would be made anew).
  await recoverInterruptedRestore(opts.source === undefined ? sampleDatabasePath(opts.dataDir) : path.resolve(opts.source), log);
  if (opts.source === undefined) return ensureSampleDatabase(opts.dataDir);
  const dir = path.resolve(opts.source);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new Error(`The source folder ${dir} does not exist or is not a folder; pass an existing folder to back up.`);
  return dir;
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`The port ${port} is not valid; use a number from 0 to 65535 (0 picks a free port).`);
  if (opts.bytesPerSecond !== undefined && !(opts.bytesPerSecond > 0)) throw new Error('The speed limit must be a positive number of bytes per second.');
  if (opts.framing !== undefined && !FRAMINGS.includes(opts.framing)) throw new Error(`The framing must be one of ${FRAMINGS.join(', ')}.`);
  const initialFaults = faultsSchema.safeParse(opts.faults ?? {});
  if (!initialFaults.success) throw new Error(describeZodError('The faults option', initialFaults.error));
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  await mkdir(opts.dataDir, { recursive: true });
  const version = opts.version ?? DEFAULT_VERSION;
  const service = new BackupService({
    dataDir: opts.dataDir, source: await resolveSource(opts, log), version,
    deviceName: opts.deviceName ?? os.hostname(), platform: opts.platform ?? platformOf(process.platform), log,
  });
  await service.init();

  const healthId = randomUUID();
  let faults: Faults = initialFaults.data;
  let framing: Framing = opts.framing ?? 'ndjson';
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const jobs = new Set<Promise<unknown>>();

  const stateOf = () => ({
    faults, framing, backups: service.store.all().length, busy: service.isBusy, running: service.running, version,
    bytesPerSecond: opts.bytesPerSecond ?? null, database: service.databaseDir,
  });

  const work: WorkContext = {
    service, faults: () => faults, framing: () => framing, bytesPerSecond: opts.bytesPerSecond, closing: closing.signal, jobs, log,
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, route: string, body: string): Promise<void> {
    if (faults.notSignedIn === true) return sendError(res, 401, 'You are not signed in to Pieces; sign in with PiecesOS and connect to the cloud, then try again.');
    if (faults.serverError === true) return sendError(res, 500, 'PiecesOS hit an internal error; try again later.');
    if (route === 'list') {
      if (faults.malformed === true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"schema":{"migration":0},"iterable":[{"id":"broken","bytes":"lots",');
        return;
      }
      return sendJson(res, 200, service.listWire());
    }
    if (route === 'create' || route === 'streamed') {
      if (parseOptionalObject(body) === undefined) return sendError(res, 400, 'The request body must be a JSON object (a SeededBackup such as {}) or empty.');
      return handleCreate(work, req, res, route === 'streamed');
    }
    // The rest name a backup: `<action>:<raw id>`.
    const colon = route.indexOf(':');
    const action = route.slice(0, colon);
    let id: string;
    try {
      id = decodeURIComponent(route.slice(colon + 1));
    } catch {
      return sendError(res, 400, 'The backup id in the path is not valid percent-encoding; encode it with encodeURIComponent.');
    }
    if (action === 'delete') {
      let deleted: boolean;
      try {
        deleted = await service.delete(id);
      } catch (e) {
        if (e instanceof BusyError) return sendError(res, 409, e.message);
        throw e;
      }
      if (!deleted) return sendError(res, 404, noSuchBackup(id));
      res.writeHead(204);
      return void res.end();
    }
    if (action === 'get') return handleGet(work, res, id);
    if (action === 'restore' || action === 'restore/streamed') {
      if (parseOptionalObject(body) === undefined) return sendError(res, 400, 'The request body must be a JSON object (the Backup to restore) or empty.');
      return handleRestore(work, req, res, id, action === 'restore/streamed');
    }
    if (action === 'restoration/status') return handleStatus(work, res, 'restore', id);
    if (action === 'creation/status') return handleStatus(work, res, 'create', id);
    if (action === 'restoration/cancel') return handleCancel(work, res, 'restore', id);
    return handleCancel(work, res, 'create', id);
  }

  async function handleControl(res: ServerResponse, what: string, body: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(res, 400, 'The request body must be JSON.');
    }
    if (what === 'faults') {
      const parsed = faultsSchema.safeParse(json);
      if (!parsed.success) return sendError(res, 400, describeZodError('The faults body', parsed.error));
      faults = parsed.data;
    } else if (what === 'framing') {
      const parsed = framingBodySchema.safeParse(json);
      if (!parsed.success) return sendError(res, 400, describeZodError('The framing body', parsed.error));
      framing = parsed.data.framing;
    } else {
      const parsed = seedBodySchema.safeParse(json);
      if (!parsed.success) return sendError(res, 400, describeZodError('The seed body', parsed.error));
      const { count, deviceName, platform, startDate } = parsed.data;
      await service.seed(count, {
        ...(deviceName === undefined ? {} : { deviceName }), ...(platform === undefined ? {} : { platform }),
        ...(startDate === undefined ? {} : { startDate: new Date(startDate) }),
      });
    }
    sendJson(res, 200, stateOf());
  }

  function fromLoopback(req: IncomingMessage): boolean {
    const loopback = (hostPort: string) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(hostPort);
    const host = req.headers.host;
    if (host !== undefined && !loopback(host)) return false;
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return origin === undefined;
    try {
      return loopback(new URL(origin).host);
    } catch {
      return false;
    }
  }

  /** Maps method + path to a handler; known paths with the wrong method answer 405. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const wrongMethod = (allow: string) => {
      res.setHeader('allow', allow);
      sendError(res, 405, `Use ${allow} for ${pathname}.`);
    };
    const body = async () => readBody(req);

    // Only this machine's own clients: a web page elsewhere cannot drive the emulator (an Origin
    // from a foreign site, or a Host that is not loopback as in DNS rebinding, is refused).
    if (!fromLoopback(req)) return sendError(res, 403, 'The emulator answers only clients on this machine (loopback Host, no foreign Origin).');

    if (pathname === '/.well-known/health' || pathname === '/.well-known/version') {
      if (method !== 'GET' && method !== 'HEAD') return wrongMethod('GET, HEAD');
      return sendText(res, 200, pathname.endsWith('health') ? `ok:${healthId}` : version, method === 'HEAD');
    }
    if (pathname === '/os/device/information') {
      // This machine as PiecesOS sees it: `name` is the device name the emulator puts on its backups.
      if (method !== 'GET') return wrongMethod('GET');
      if (faults.serverError === true) return sendError(res, 500, 'PiecesOS hit an internal error; try again later.');
      if (faults.noDeviceInformation === true) return sendError(res, 404, `There is no ${method} ${pathname} here; see the Backups API for the routes PiecesOS serves.`);
      return sendJson(res, 200, { name: service.deviceName, version, hardware: {}, dependencies: {} });
    }
    if (pathname === '/backups') return method === 'GET' ? handleApi(req, res, 'list', await body()) : wrongMethod('GET');
    if (pathname === '/backups/create') return method === 'POST' ? handleApi(req, res, 'create', await body()) : wrongMethod('POST');
    if (pathname === '/backups/create/streamed') return method === 'POST' ? handleApi(req, res, 'streamed', await body()) : wrongMethod('POST');
    const del = /^\/backups\/([^/]+)\/delete$/.exec(pathname);
    if (del?.[1] !== undefined) return method === 'POST' ? handleApi(req, res, `delete:${del[1]}`, await body()) : wrongMethod('POST');
    // The singular /backup/{id}/… routes (restore, status, cancel, one backup's metadata).
    const one = /^\/backup\/([^/]+)(?:\/(restore|restore\/streamed|restoration\/status|restoration\/cancel|creation\/status|creation\/cancel))?$/.exec(pathname);
    if (one?.[1] !== undefined) {
      const action = one[2] ?? 'get';
      const allowed = action === 'get' || action.endsWith('/status') ? 'GET' : 'POST';
      return method === allowed ? handleApi(req, res, `${action}:${one[1]}`, await body()) : wrongMethod(allowed);
    }
    if (pathname === '/__emulator/state') return method === 'GET' ? sendJson(res, 200, stateOf()) : wrongMethod('GET');
    const control = /^\/__emulator\/(faults|framing|seed)$/.exec(pathname);
    if (control?.[1] !== undefined) return method === 'POST' ? handleControl(res, control[1], await body()) : wrongMethod('POST');
    sendError(res, 404, `There is no ${method} ${pathname} here; see the Backups API for the routes PiecesOS serves.`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof BodyTooLarge) return sendError(res, 413, 'The request body is too large; send at most 1 MiB.');
      log(`The emulator failed to answer ${req.method} ${req.url}: ${(e as Error).message}`);
      sendError(res, 500, 'The emulator hit an internal error; see its log.');
    });
  });
  // The WebSocket routes (live progress of every run, and the create/restore twins).
  const live = progressSockets({ service, bytesPerSecond: opts.bytesPerSecond, closing: closing.signal, jobs, log });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!fromLoopback(req)) return refuse('403 Forbidden');
    if (!live.upgrade(req, socket, head)) refuse('404 Not Found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close() {
      closed ??= (async () => {
        closing.abort(new Error('emulator closing'));
        live.close();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
        await Promise.allSettled([...jobs]);
        await done;
      })();
      return closed;
    },
    setFaults(f: Faults) {
      const parsed = faultsSchema.safeParse(f);
      if (!parsed.success) throw new Error(describeZodError('The faults', parsed.error));
      faults = parsed.data;
    },
    setFraming(f: Framing) {
      if (!FRAMINGS.includes(f)) throw new Error(`The framing must be one of ${FRAMINGS.join(', ')}.`);
      framing = f;
    },
    seed: (count, seedOpts) => service.seed(count, seedOpts),
  };
}
