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
import { contentTypeOf, frameText } from './framing.js';
import { BodyTooLarge, parseOptionalObject, readBody, sendError, sendJson, sendText } from './http-util.js';
import { ensureSampleDatabase } from './sample-db.js';
import {
  DEFAULT_VERSION, faultsSchema, framingBodySchema, FRAMINGS, platformOf, seedBodySchema,
  type EmulatorOptions, type Faults, type Framing, type RunningEmulator,
} from './types.js';

export type { EmulatorOptions, Faults, Framing, RunningEmulator, SeedOptions } from './types.js';

/** Thrown from inside the work to stop it the way a fault says. */
class FaultStop extends Error {
  constructor(readonly fault: 'fail' | 'drop', readonly percent: number) {
    super(`emulated ${fault} at ${percent}%`);
  }
}

function describeZodError(what: string, e: z.ZodError): string {
  const issues = e.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
  return `${what} is not valid (${issues}); fix the request body and try again.`;
}

async function resolveSource(opts: EmulatorOptions): Promise<string> {
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
    dataDir: opts.dataDir, source: await resolveSource(opts), version,
    deviceName: opts.deviceName ?? os.hostname(), platform: opts.platform ?? platformOf(process.platform), log,
  });
  await service.init();

  const healthId = randomUUID();
  let faults: Faults = initialFaults.data;
  let framing: Framing = opts.framing ?? 'ndjson';
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const jobs = new Set<Promise<unknown>>();

  const stateOf = () => ({ faults, framing, backups: service.store.all().length, busy: service.isBusy, version, bytesPerSecond: opts.bytesPerSecond ?? null });

  /** The signal a piece of work stops on: the emulator closing, or the client going away. */
  function workSignal(res: ServerResponse): AbortSignal {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('client went away'));
    });
    return AbortSignal.any([closing.signal, gone.signal]);
  }

  /** Fault checks shared by both create endpoints; `percent` is how far the real work got. */
  async function applyFaults(percent: number, signal: AbortSignal): Promise<void> {
    if (faults.failAtPercent !== undefined && percent >= faults.failAtPercent) throw new FaultStop('fail', percent);
    if (faults.dropAtPercent !== undefined && percent >= faults.dropAtPercent) throw new FaultStop('drop', percent);
    if (faults.stallAtPercent !== undefined && percent >= faults.stallAtPercent) {
      // Stop in place, keeping the connection open, until the client gives up or close().
      await new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse, streamed: boolean): Promise<void> {
    const signal = workSignal(res);
    if (service.isBusy) return sendError(res, 409, 'A backup is already in progress; wait for it to finish and try again.');
    const wireFraming = framing;
    const write = (text: string) => {
      if (!res.destroyed) res.write(frameText(wireFraming, text));
    };
    if (streamed) {
      res.writeHead(200, { 'content-type': contentTypeOf(wireFraming), 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      res.flushHeaders();
      write(JSON.stringify({ status: 'INITIALIZED', percentage: 0 }));
    }
    let sentMalformed = false;
    const onProgress = async (percent: number) => {
      await applyFaults(percent, signal);
      // 0 is announced by INITIALIZED and 100 by COMPLETED.
      if (!streamed || percent === 0 || percent === 100) return;
      if (faults.malformed === true && !sentMalformed) {
        sentMalformed = true;
        write('{"status":"IN-PROGRESS","percentage":}');
      }
      write(JSON.stringify({ status: 'IN-PROGRESS', percentage: percent }));
    };
    const job = service.create({
      signal, bytesPerSecond: opts.bytesPerSecond,
      onProgress,
    });
    jobs.add(job);
    try {
      const record = await job;
      const wire = service.toWire(record);
      if (streamed) {
        write(JSON.stringify(faults.omitBackup === true ? { status: 'COMPLETED', percentage: 100 } : { status: 'COMPLETED', percentage: 100, backup: wire }));
        res.end();
      } else if (faults.malformed === true) {
        sendJson(res, 200, { ...wire, bytes: `${record.bytes} bytes`, device_name: undefined });
      } else {
        sendJson(res, 200, wire);
      }
    } catch (e) {
      if (e instanceof BusyError && !res.headersSent) return sendError(res, 409, 'A backup is already in progress; wait for it to finish and try again.');
      if (signal.aborted) {
        res.destroy();
        return;
      }
      if (e instanceof FaultStop && e.fault === 'drop') {
        req.socket.destroy();
        return;
      }
      const percent = e instanceof FaultStop ? e.percent : null;
      if (!(e instanceof FaultStop)) log(`The emulated backup failed: ${(e as Error).message}`);
      if (streamed) {
        write(JSON.stringify({ status: 'FAILED', percentage: percent }));
        res.end();
      } else {
        sendError(res, 500, percent === null ? `The backup failed (${(e as Error).message}); try again.` : `The backup failed at ${percent}%; try again.`);
      }
    } finally {
      jobs.delete(job);
    }
  }

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
      return handleCreate(req, res, route === 'streamed');
    }
    // route is `delete:<raw id>`
    const raw = route.slice('delete:'.length);
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      return sendError(res, 400, 'The backup id in the path is not valid percent-encoding; encode it with encodeURIComponent.');
    }
    if (!(await service.delete(id))) return sendError(res, 404, `There is no backup with id ${JSON.stringify(id)}; list the backups to see which exist.`);
    res.writeHead(204);
    res.end();
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
