// A tiny raw node:http server on 127.0.0.1 for client tests; closes every socket on teardown.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../helpers/loopback.js';

export interface Fixture {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Answers one request, given its whole body. */
export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startServer(handler: Handler, opts: { keepAliveTimeoutMs?: number } = {}): Promise<Fixture> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(parts).toString('utf8')));
  });
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  return listenOnLoopback(server);
}

/** A server that streams the given text pieces with a pause between them, then ends the
 * response (`end`), drops the connection (`destroy`) or leaves it open (`hang`). */
export function streaming(pieces: string[], opts: { contentType?: string; end?: 'end' | 'destroy' | 'hang'; gapMs?: number } = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': opts.contentType ?? 'application/x-ndjson' });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      const piece = pieces[i++];
      if (piece !== undefined) {
        res.write(piece);
        setTimeout(next, opts.gapMs ?? 2);
      } else if ((opts.end ?? 'end') === 'end') res.end();
      else if (opts.end === 'destroy') res.socket?.destroy();
    };
    next();
  };
}

/** A port that nothing listens on (bound then released). */
export async function freePort(): Promise<number> {
  const f = await startServer(() => {});
  await f.close();
  return f.port;
}

export const wireSample = {
  id: '9.0.5_1732612345678', version: '9.0.5', timestamp: '1732612345678', bytes: 1234,
  created: { value: '2024-11-26T09:12:25.678Z', readable: 'a while ago' }, device_name: 'laptop', platform: 'LINUX',
};

export function wireBackupWith(id: string, created: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...wireSample, id, created: { value: created }, ...extra };
}
