// Requests over node:http (node:https only when the address asks for it). Not global fetch:
// loading undici costs a resident process ~10–15 MiB, node:http ~3 MiB (the daemon's RSS target).
// One keep-alive Agent per transport, so repeated calls reuse sockets; idle sockets are unref'd
// by the Agent, so they never keep a process alive, and close() drops them at once.
import http from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';

export interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number | undefined;
  /** The base URL's path without a trailing slash ('' for the root). */
  basePath: string;
  auth: string | undefined;
}

export interface RequestSpec {
  method: string;
  /** Appended to the base path as is: the caller builds and encodes it (no URL normalisation). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Like `new URL()`, but only for http(s) and with the pieces a request needs; throws ERR_INVALID_URL. */
export function parseTarget(baseUrl: string): Target {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch (e) {
    throw invalidUrl(baseUrl, e);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidUrl(baseUrl);
  return {
    protocol: u.protocol,
    // URL keeps IPv6 brackets; sockets want the bare address.
    hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port === '' ? undefined : Number(u.port),
    basePath: u.pathname.replace(/\/+$/, ''),
    auth: u.username !== '' ? decodeURIComponent(`${u.username}:${u.password}`) : undefined,
  };
}

function invalidUrl(raw: string, cause?: unknown): Error {
  return Object.assign(new TypeError(`Invalid URL: ${raw.slice(0, 100)}`, cause === undefined ? undefined : { cause }), { code: 'ERR_INVALID_URL' });
}

export function abortError(): Error {
  return Object.assign(new Error('The request was aborted.'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** A reused keep-alive socket the server had already closed: the request never reached it. */
function isStaleSocket(req: http.ClientRequest, e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
}

type Agent = http.Agent | HttpsAgent;

/** Pools shared by every transport made with `shared: true` (one per protocol, made on first use). */
const sharedAgents: { 'http:'?: Agent; 'https:'?: Agent } = {};

export interface TransportOptions {
  /** Use the process-wide pool instead of one of its own (for short-lived users such as probes). */
  shared?: boolean;
}

export class HttpTransport {
  private readonly baseUrl: string;
  private readonly shared: boolean;
  private target: Target | null = null;
  private agent: Agent | null = null;
  private requestFn: typeof http.request | null = null;

  constructor(baseUrl: string, opts: TransportOptions = {}) {
    this.baseUrl = baseUrl;
    this.shared = opts.shared === true;
  }

  /**
   * Sends the request and resolves with the response once its head has arrived. The body is
   * left paused for the caller to read (or destroy); an abort through `signal` destroys the
   * request or the unfinished response, so a pending body read rejects with an AbortError.
   */
  async request(spec: RequestSpec): Promise<http.IncomingMessage> {
    if (spec.signal?.aborted) throw abortError();
    await this.prepare();
    try {
      return await this.attempt(spec);
    } catch (e) {
      // GET is safe to send again when it died on a socket the server had closed meanwhile.
      if (spec.method === 'GET' && (e as { staleSocket?: boolean }).staleSocket && !spec.signal?.aborted) return this.attempt(spec);
      throw e;
    }
  }

  /** Closes idle sockets and stops pooling; requests still running finish, then close their sockets. */
  close(): void {
    const agent = this.agent;
    if (agent === null || this.shared) return;
    this.agent = null;
    this.requestFn = null;
    // Not agent.destroy(): that would also cut requests still running.
    agent.keepSocketAlive = () => false;
    for (const list of Object.values(agent.freeSockets)) for (const socket of list ?? []) socket.destroy();
  }

  private async prepare(): Promise<void> {
    if (this.target === null) this.target = parseTarget(this.baseUrl);
    if (this.agent !== null && this.requestFn !== null) return;
    const protocol = this.target.protocol;
    if (protocol === 'https:') {
      // Loaded only for https addresses: TLS is extra memory the usual loopback http never needs.
      const https = await import('node:https');
      this.requestFn = https.request as typeof http.request;
      this.agent = this.shared ? (sharedAgents[protocol] ??= new https.Agent({ keepAlive: true })) : new https.Agent({ keepAlive: true });
    } else {
      this.requestFn = http.request;
      this.agent = this.shared ? (sharedAgents[protocol] ??= new http.Agent({ keepAlive: true })) : new http.Agent({ keepAlive: true });
    }
  }

  private attempt(spec: RequestSpec): Promise<http.IncomingMessage> {
    const target = this.target;
    const send = this.requestFn;
    if (target === null || send === null) return Promise.reject(new Error('transport not prepared'));
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...spec.headers };
      if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
      const req = send({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        auth: target.auth,
        method: spec.method,
        path: target.basePath + spec.path,
        headers,
        agent: this.agent ?? undefined,
      });
      let res: http.IncomingMessage | null = null;
      const signal = spec.signal;
      const release = () => signal?.removeEventListener('abort', onAbort);
      function onAbort(): void {
        release();
        const err = abortError();
        if (res === null) req.destroy(err);
        else if (!res.complete) res.destroy(err);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        if (res !== null) return; // after the head, failures surface on the response
        release();
        reject(isStaleSocket(req, e) ? Object.assign(e, { staleSocket: true }) : e);
      });
      req.on('response', (r) => {
        res = r;
        // Never an unhandled 'error': readers check r.errored / r.destroyed when they start.
        r.on('error', () => {});
        r.once('end', release);
        r.once('close', release);
        resolve(r);
      });
      req.end(spec.body);
    });
  }
}
