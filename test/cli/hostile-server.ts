// A small PiecesOS look-alike on 127.0.0.1 that answers whatever a test tells it to: hostile
// strings, broken bodies, resets, or nothing at all. Every socket is closed on teardown.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../helpers/loopback.js';

/** Answers one request; returning without ending `res` leaves it hanging (a server that never answers). */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileServer {
  url: string;
  /** Requests seen so far, as "METHOD /path". */
  readonly seen: string[];
  close(): Promise<void>;
}

/** Routes by "METHOD /path" (exact), then by `fallback`; health answers "ok" unless routed. */
export async function startHostileServer(routes: Record<string, Route>, fallback?: Route): Promise<HostileServer> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    seen.push(key);
    req.resume();
    const route = routes[key] ?? (key === 'GET /.well-known/health' ? text(200, 'ok') : fallback ?? text(404, 'not here'));
    route(req, res);
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, seen, close };
}

export const json = (status: number, value: unknown): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

export const text = (status: number, body: string, type = 'text/plain'): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};

/** Accepts the request and never answers. */
export const never: Route = () => undefined;

/** Drops the connection without an answer. */
export const reset: Route = (req) => req.socket.destroy();

/** A Backups API list item as PiecesOS sends it. */
export function wireBackup(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '12.0.0_1732612345678', version: '12.0.0', timestamp: '1732612345678', bytes: 1234,
    created: { value: '2024-11-26T09:12:25.678Z' }, device_name: 'laptop', platform: 'LINUX', ...over,
  };
}

/** Escape sequences and invisible controls a hostile server could put in any string. */
export const HOSTILE = 'A\u001b[31mB\u0007C\u009bD\u202eE\u2066F\rG\nH';
/** What must never reach a terminal raw: C0 (but the line feeds we print), DEL, C1, bidi controls. */
export const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
