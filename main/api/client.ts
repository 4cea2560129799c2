// The Backups API over HTTP (node:http, see http-transport.ts). Every failure leaves as a
// BackupsApiError with a kind; every response is validated before the app sees it.
import type { IncomingMessage } from 'node:http';
import type { BackupsApi, CallOptions, DeviceInformation, StreamOptions } from './backups-api.js';
import { BackupsApiError } from './errors.js';
import { toApiError, describeError, type MapContext } from './error-mapping.js';
import { RequestControl } from './request-control.js';
import { HttpTransport } from './http-transport.js';
import { readText, readJsonBody, serverMessage, parseJson, validate, prematureClose } from './response-body.js';
import { ProgressStreamReader } from './stream-reader.js';
import { ProgressWatch } from './progress-watch.js';
import { wireBackup, wireBackups, wireDeviceInformation, wireStreamedProgress, fromWireBackup, toWireBackup, sortNewestFirst } from './wire.js';
import type { Backup, BackupProgress } from './wire.js';

export { describeError };

export interface ClientOptions {
  baseUrl: string;
  /** Per request; for the streamed create, until the response headers arrive. Default 30 s. */
  timeoutMs?: number;
  /** Longest silence allowed while a streamed create runs: only bytes that carry part of a
   * value break a silence (whitespace, separators and SSE keep-alives do not). Default 60 s. */
  stallTimeoutMs?: number;
  /** Longest time a streamed create may go on with its status and percentage unchanged before
   * it ends as 'stalled'; StreamOptions.noProgressTimeoutMs overrides it per call. 0 turns it
   * off. Default 10 minutes. */
  noProgressTimeoutMs?: number;
  /** Largest JSON body (list, create, any JSON answer) read; a larger one is 'bad-response'.
   * Default 128 MiB. */
  maxBodyBytes?: number;
}

const ERROR_BODY_LIMIT = 64 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;
export const DEFAULT_NO_PROGRESS_TIMEOUT_MS = 10 * 60_000;

export class HttpBackupsClient implements BackupsApi {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly noProgressTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly transport: HttpTransport;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 60_000;
    this.noProgressTimeoutMs = opts.noProgressTimeoutMs ?? DEFAULT_NO_PROGRESS_TIMEOUT_MS;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.transport = new HttpTransport(this.baseUrl);
  }

  /** Drops the pooled idle sockets (they never hold the process open, but a long-lived owner may want them gone). */
  close(): void {
    this.transport.close();
  }

  async list(opts: CallOptions = {}): Promise<Backup[]> {
    const value = await this.requestJson('GET', '/backups', undefined, opts, 'a backup list');
    const parsed = validate(wireBackups, value, 'a backup list');
    return sortNewestFirst(parsed.iterable.map(fromWireBackup));
  }

  async create(opts: CallOptions = {}): Promise<Backup> {
    const value = await this.requestJson('POST', '/backups/create', '{}', opts, 'a new backup');
    return fromWireBackup(validate(wireBackup, value, 'a new backup'));
  }

  async delete(id: string, backup?: Backup, opts: CallOptions = {}): Promise<void> {
    // '.' and '..' would be collapsed by URL parsing (even percent-encoded) and hit another path.
    if (id === '' || id === '.' || id === '..') {
      throw new BackupsApiError('bad-response', `The backup id "${id}" cannot be put in a URL, so this backup cannot be deleted through the Backups API.`);
    }
    const body = JSON.stringify(backup ? toWireBackup(backup) : {});
    const control = new RequestControl(opts.signal);
    control.arm(this.timeoutMs, 'timeout');
    const ctx = this.ctx('connect');
    try {
      const res = await this.send('POST', `/backups/${encodeURIComponent(id)}/delete`, body, control, ctx);
      ctx.phase = 'body';
      // Any 2xx is success; the body (usually empty) is drained so the socket can be reused.
      await readText(res, ERROR_BODY_LIMIT);
    } catch (e) {
      throw toApiError(e, control, ctx);
    } finally {
      control.dispose();
    }
  }

  async deviceInformation(opts: CallOptions = {}): Promise<DeviceInformation> {
    const value = await this.requestJson('GET', '/os/device/information', undefined, opts, 'the device information');
    const w = validate(wireDeviceInformation, value, 'the device information');
    const name = w.name?.trim();
    return { name: name ? name : null, version: w.version ?? null };
  }

  async createStreamed(opts: StreamOptions = {}): Promise<Backup | null> {
    const control = new RequestControl(opts.signal);
    control.arm(this.timeoutMs, 'timeout');
    const noProgressMs = opts.noProgressTimeoutMs ?? this.noProgressTimeoutMs;
    const watch = new ProgressWatch(noProgressMs, () => control.abort('no-progress'));
    const ctx = this.ctx('connect');
    let outcome: { backup: Backup | null };
    try {
      const res = await this.send('POST', '/backups/create/streamed', '{}', control, ctx, 'application/x-ndjson, text/event-stream, application/json');
      ctx.phase = 'body';
      // From here on two clocks run: silence (restarted by bytes that carry part of a value) and
      // no progress (restarted only when the status or percentage changes).
      control.arm(this.stallTimeoutMs, 'stalled');
      watch.start();
      outcome = await this.followStream(res, control, watch, opts.onProgress);
    } catch (e) {
      ctx.noProgress = { ms: noProgressMs, last: watch.last };
      throw toApiError(e, control, ctx);
    } finally {
      watch.stop();
      control.dispose();
    }
    // COMPLETED without the backup: say so (null). Never guess from the list: its newest entry may
    // be another device's backup, and retention would then act on the wrong device.
    return outcome.backup;
  }

  private async followStream(res: IncomingMessage, control: RequestControl, watch: ProgressWatch, onProgress: StreamOptions['onProgress']): Promise<{ backup: Backup | null }> {
    let result: { backup: Backup | null } | null = null;
    let last: BackupProgress | null = null;
    const handle = (raw: unknown): void => {
      // A server that does not stream may answer one array of values; only that one level is
      // unpacked (nested arrays are no progress values, and must not recurse without bound).
      if (Array.isArray(raw)) {
        for (const item of raw) handleOne(item);
      } else handleOne(raw);
    };
    const handleOne = (raw: unknown): void => {
      if (result !== null) return; // ignore anything after the terminal value
      const p = toProgress(raw);
      last = p;
      watch.saw(p);
      if (onProgress) {
        try {
          onProgress(p);
        } catch {
          // A listener's bug must not fail the backup itself.
        }
      }
      if (p.status === 'COMPLETED') result = { backup: p.backup ?? null };
      else if (p.status === 'FAILED') throw new BackupsApiError('backup-failed', failureSentence(raw, p));
      else if (p.status === 'CANCELED') throw new BackupsApiError('canceled', 'PiecesOS canceled the backup before it finished.');
    };
    const reader = new ProgressStreamReader(handle, { contentType: res.headers['content-type'] ?? null });
    // Chunks go to the reader as they come (constant memory); those carrying part of a value
    // restart the stall timer, keep-alive whitespace and comments do not.
    await new Promise<void>((resolve, reject) => {
      if (res.errored) return reject(res.errored);
      if (res.destroyed) return reject(prematureClose());
      let settled = false;
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        res.off('data', onData);
        if (err === null) resolve();
        else reject(err);
      };
      const onData = (chunk: Buffer): void => {
        if (settled) return;
        try {
          if (reader.push(chunk)) control.arm(this.stallTimeoutMs, 'stalled');
        } catch (e) {
          finish(unreadable(e));
          res.destroy();
          return;
        }
        if (result !== null) {
          finish(null);
          // Anything after the terminal value is not wanted.
          res.destroy();
        }
      };
      res.on('data', onData);
      res.once('end', () => {
        try {
          if (result === null) reader.end();
          finish(null);
        } catch (e) {
          finish(unreadable(e));
        }
      });
      res.once('error', (e) => finish(e));
      res.once('close', () => finish(res.readableEnded ? null : prematureClose()));
    });
    if (result !== null) return result;
    const seen = last as BackupProgress | null;
    const where = seen?.percentage != null ? ` (last progress: ${Math.round(seen.percentage)}%)` : '';
    throw new BackupsApiError('connection-lost', `The connection to PiecesOS ended before the backup finished${where}; check the backup list, then try again.`);
  }

  private ctx(phase: MapContext['phase']): MapContext {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, stallTimeoutMs: this.stallTimeoutMs, phase };
  }

  /** Sends a request and returns the response if it is 2xx; otherwise throws the mapped status error. */
  private async send(method: string, path: string, body: string | undefined, control: RequestControl, ctx: MapContext, accept = 'application/json'): Promise<IncomingMessage> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.transport.request({ method, path, headers, body, signal: control.signal });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    ctx.phase = 'body';
    const message = serverMessage(await readText(res, ERROR_BODY_LIMIT));
    throw statusError(status, message);
  }

  private async requestJson(method: string, path: string, body: string | undefined, opts: CallOptions, what: string): Promise<unknown> {
    const control = new RequestControl(opts.signal);
    control.arm(this.timeoutMs, 'timeout');
    const ctx = this.ctx('connect');
    let text: string;
    try {
      const res = await this.send(method, path, body, control, ctx);
      ctx.phase = 'body';
      text = await readJsonBody(res, this.maxBodyBytes, what);
    } catch (e) {
      throw toApiError(e, control, ctx);
    } finally {
      control.dispose();
    }
    return parseJson(text, what);
  }
}

export function createClient(opts: ClientOptions): HttpBackupsClient {
  return new HttpBackupsClient(opts);
}

function statusError(status: number, message: string): BackupsApiError {
  const said = message === '' ? '' : `: ${message}`;
  if (status === 401 || status === 403) {
    return new BackupsApiError('not-signed-in', `PiecesOS refused the request (HTTP ${status}${said}); sign in to Pieces and connect to the Pieces cloud, then try again.`, { status });
  }
  const stop = /[.!?…]$/.test(said) ? '' : '.';
  return new BackupsApiError('http', `PiecesOS answered HTTP ${status}${said}${stop}`, { status });
}

/**
 * What the reader or a value handler threw, as an API error. Their own errors already are one;
 * anything else (a RangeError from absurd nesting, a bug) came from the body's content, not
 * from the connection, so it must not pass for 'connection-lost' and be retried.
 */
function unreadable(e: unknown): BackupsApiError {
  if (e instanceof BackupsApiError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new BackupsApiError('bad-response', `PiecesOS sent a progress stream this app cannot read (${detail.slice(0, 200)}); check that the address points to PiecesOS.`, { cause: e });
}

/** One stream value as progress. A bare Backup (a server that does not stream) counts as COMPLETED. */
function toProgress(raw: unknown): BackupProgress {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && !('status' in raw)) {
    return { status: 'COMPLETED', percentage: 100, backup: fromWireBackup(validate(wireBackup, raw, 'a new backup')) };
  }
  const w = validate(wireStreamedProgress, raw, 'a progress value');
  const p: BackupProgress = { status: w.status ?? 'UNKNOWN', percentage: w.percentage ?? null };
  if (w.backup) p.backup = fromWireBackup(w.backup);
  return p;
}

function failureSentence(raw: unknown, p: BackupProgress): string {
  // Not in the published model, but a server may add a reason; show it when it does.
  const rec = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const reason = [rec.message, rec.error, rec.reason].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const at = p.percentage != null ? ` at ${Math.round(p.percentage)}%` : '';
  return `PiecesOS reported that the backup failed${at}${reason ? ` (${serverMessage(reason)})` : ''}; try again, and check PiecesOS if it keeps failing.`;
}
