// The preview: the real renderer in any browser, on 127.0.0.1, with the main-side IPC handlers
// and engine (AppCore) behind an HTTP transport instead of Electron's IPC:
//   POST /ipc/<channel>  body = the payload as JSON (empty = none) → the Result as JSON
//   GET  /events         Server-Sent Events, `event: <channel>` + `data: <json>`
// Only same-origin requests to 127.0.0.1/localhost are answered (no DNS rebinding, no CSRF).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_CHANNELS } from '../ipc/contract.js';
import type { Result } from '../ipc/contract.js';
import type { AppCore } from '../core/types.js';
import type { AppCoreOptions } from '../core/app-core.js';
import { buildRenderer, DEFAULT_RENDERER_DIR } from './build-renderer.js';
import { CSP, loadStatic, staticName } from './static-files.js';

export interface PreviewOptions {
  /** PiecesOS base URL; omitted: the core finds it (setting, env, discovery). */
  url?: string;
  /** Called when discovery finds nothing (the preview's CLI starts the emulator here). */
  fallbackUrl?: () => Promise<string>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where settings and history live; use a temp dir so a preview never touches real settings. */
  configDir: string;
  /** Built renderer files; default dist/renderer, built there when missing. */
  rendererDir?: string;
  /** A core to present instead of creating one (it is then not stopped by close()). */
  core?: AppCore;
}

export interface RunningPreview {
  url: string;
  port: number;
  core: AppCore;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function failure(kind: 'invalid-request' | 'internal', message: string): Result<never> {
  return { ok: false, error: { kind, message } };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/** The path of a request target, or null when it cannot be parsed (a client's input, not our bug). */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/** Percent-decodes one path segment, or null when its encoding is malformed (e.g. `%E0%A4%A`). */
function decodedSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

async function ensureRenderer(dir: string): Promise<void> {
  const present = await Promise.all(['index.html', 'app.js', 'styles.css', 'preview-bridge.js'].map((f) => access(path.join(dir, f)).then(() => true, () => false)));
  if (present.every(Boolean)) return;
  await buildRenderer(dir);
}

export async function startPreview(opts: PreviewOptions): Promise<RunningPreview> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`The port ${port} is not valid; use a number from 0 to 65535 (0 picks a free port).`);
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  await ensureRenderer(rendererDir);

  const ownsCore = opts.core === undefined;
  // The preview serves the app's window: its runs are the app's.
  const coreOpts: AppCoreOptions = { configDir: opts.configDir, frontEnd: 'app' };
  if (opts.url !== undefined) coreOpts.url = opts.url;
  if (opts.fallbackUrl !== undefined) coreOpts.fallbackUrl = opts.fallbackUrl;
  // Loaded lazily so a preview handed a core does not load the real one.
  const core: AppCore = opts.core ?? (await (await import('../core/app-core.js')).createAppCore(coreOpts));
  if (ownsCore) await core.start();

  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let origin = '';

  function allowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    const p = origin.slice(origin.lastIndexOf(':') + 1);
    if (host !== `127.0.0.1:${p}` && host !== `localhost:${p}`) return false;
    const from = req.headers.origin;
    return from === undefined || from === `http://${host}`;
  }

  async function handleIpc(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    // Requiring JSON makes cross-site form posts impossible without a CORS preflight.
    if (!type.startsWith('application/json')) return sendJson(res, 415, failure('invalid-request', 'Send the payload as application/json.'));
    const raw = await readBody(req);
    if (raw === null) return sendJson(res, 413, failure('invalid-request', 'The request body is too large (over 1 MB).'));
    let payload: unknown;
    if (raw.trim() !== '') {
      try {
        payload = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, failure('invalid-request', 'The request body is not valid JSON.'));
      }
    }
    let result: Result<unknown>;
    try {
      result = await core.handle(channel, payload);
    } catch (e) {
      result = failure('internal', `The preview's core failed: ${e instanceof Error ? e.message : String(e)}.`);
    }
    sendJson(res, 200, result);
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // Progress must reach the window at once: no Nagle delay on this socket.
    res.socket?.setNoDelay(true);
    res.write('retry: 1000\n\n');
    streams.add(res);
    const offs = EVENT_CHANNELS.map((channel) => core.on(channel, (payload) => {
      if (!res.writableEnded) res.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
    }));
    const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    beat.unref();
    const stop = () => {
      clearInterval(beat);
      for (const off of offs) off();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The preview answers only its own page on 127.0.0.1 or localhost.\n');
      return;
    }
    const pathname = pathOf(req.url);
    if (pathname === null) return sendJson(res, 400, failure('invalid-request', 'The request address is not a valid URL.'));
    if (pathname.startsWith('/ipc/')) {
      if (req.method !== 'POST') return sendJson(res, 405, failure('invalid-request', 'Use POST for IPC calls.'));
      const channel = decodedSegment(pathname.slice(5));
      if (channel === null) return sendJson(res, 400, failure('invalid-request', 'The request path is not valid: its percent-encoding is malformed.'));
      return handleIpc(req, res, channel);
    }
    if (pathname === '/events' && req.method === 'GET') return handleEvents(req, res);
    const name = req.method === 'GET' || req.method === 'HEAD' ? staticName(pathname) : null;
    const file = name === null ? null : await loadStatic(rendererDir, name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-store',
      'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, failure('internal', `The preview failed: ${e instanceof Error ? e.message : String(e)}.`));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  }).catch(async (e: unknown) => {
    if (ownsCore) await core.stop();
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `Port ${port} is already in use; pick another with --port, or --port 0 for a free one.` : `The preview could not listen on 127.0.0.1:${port} (${String(e)}).`);
  });
  const actual = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actual}`;

  let closed: Promise<void> | null = null;
  return {
    url: `${origin}/`,
    port: actual,
    core,
    close() {
      closed ??= (async () => {
        for (const s of streams) s.end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
        if (ownsCore) await core.stop();
      })();
      return closed;
    },
  };
}
