// The Backups API over HTTP (node:http, see http-transport.ts). Every failure leaves as a
// BackupsApiError with a kind; every response is validated before the app sees it.
import type { IncomingMessage } from 'node:http';
import type { BackupsApi, CallOptions, DeviceInformation, StatusInfo, StreamOptions } from './backups-api.js';
import { BackupsApiError, isApiError } from './errors.js';
import { toApiError, describeError, checkWhere, seconds, type MapContext, type Operation } from './error-mapping.js';
import { RequestControl } from './request-control.js';
import { HttpTransport } from './http-transport.js';
import { readText, readJsonBody, serverMessage, parseJson, validate, prematureClose } from './response-body.js';
import { ProgressStreamReader } from './stream-reader.js';
import { ProgressWatch } from './progress-watch.js';
import { backupsFromList } from './backup-list.js';
import { wireBackup, wireBackupStatus, wireDeviceInformation, wireStreamedProgress, fromWireBackup, toWireBackup, sortNewestFirst } from './wire.js';
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
  /** How long the cancel sent when a streamed restore is aborted may take. Default 5 s: the
   * person waits for it, and its answer only decides what they are told. */
  cancelTimeoutMs?: number;
}

const ERROR_BODY_LIMIT = 64 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;
export const DEFAULT_NO_PROGRESS_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_CANCEL_TIMEOUT_MS = 5_000;

/** What a streamed call posts, and what it does (for its sentences). */
interface StreamSpec {
  path: string;
  body: string;
  operation: Operation;
}

/** How the cancel sent for an aborted restore went: confirmed (2xx), or what PiecesOS did instead. */
type CancelAnswer = { confirmed: true } | { confirmed: false; said: string };

export class HttpBackupsClient implements BackupsApi {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly noProgressTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly cancelTimeoutMs: number;
  private readonly transport: HttpTransport;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 60_000;
    this.noProgressTimeoutMs = opts.noProgressTimeoutMs ?? DEFAULT_NO_PROGRESS_TIMEOUT_MS;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.cancelTimeoutMs = opts.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS;
    this.transport = new HttpTransport(this.baseUrl);
  }

  /** Drops the pooled idle sockets (they never hold the process open, but a long-lived owner may want them gone). */
  close(): void {
    this.transport.close();
  }

  async list(opts: CallOptions = {}): Promise<Backup[]> {
    const value = await this.requestJson('GET', '/backups', undefined, opts, 'a backup list');
    return sortNewestFirst(backupsFromList(value, 'a backup list'));
  }

  async create(opts: CallOptions = {}): Promise<Backup> {
    const value = await this.requestJson('POST', '/backups/create', '{}', opts, 'a new backup');
    return fromWireBackup(validate(wireBackup, value, 'a new backup'));
  }

  async delete(id: string, backup?: Backup, opts: CallOptions = {}): Promise<void> {
    const path = `/backups/${idSegment(id, 'deleted')}/delete`;
    const answer = await this.post(path, JSON.stringify(backup ? toWireBackup(backup) : {}), opts, this.timeoutMs);
    // Any 2xx is success.
    if (!isOk(answer.status)) throw statusError(answer.status, answer.message);
  }

  async get(id: string, opts: CallOptions = {}): Promise<Backup> {
    let value: unknown;
    try {
      value = await this.requestJson('GET', `/backup/${idSegment(id, 'looked up')}`, undefined, opts, 'a backup');
    } catch (e) {
      if (isApiError(e) && e.kind === 'http' && e.status === 404) {
        throw new BackupsApiError('http', `There is no backup with id ${JSON.stringify(id)} (PiecesOS answered HTTP 404); list the backups to see which exist.`, { status: 404, cause: e });
      }
      throw e;
    }
    return fromWireBackup(validate(wireBackup, value, 'a backup'));
  }

  async restore(id: string, backup?: Backup, opts: CallOptions = {}): Promise<Backup> {
    const path = `/backup/${idSegment(id, 'restored')}/restore`;
    const body = JSON.stringify(backup ? toWireBackup(backup) : {});
    return this.cancelOnAbort(id, opts.signal, async (signal) => {
      const value = await this.requestJson('POST', path, body, signal ? { signal } : {}, 'the restored backup');
      return fromWireBackup(validate(wireBackup, value, 'the restored backup'));
    });
  }

  async restoreStreamed(id: string, backup?: Backup, opts: StreamOptions = {}): Promise<Backup | null> {
    const spec: StreamSpec = {
      path: `/backup/${idSegment(id, 'restored')}/restore/streamed`,
      body: JSON.stringify(backup ? toWireBackup(backup) : {}),
      operation: 'restore',
    };
    return this.cancelOnAbort(id, opts.signal, (signal) => this.streamed(spec, opts, signal));
  }

  async restorationStatus(id: string, opts: CallOptions = {}): Promise<StatusInfo> {
    return this.status(`/backup/${idSegment(id, 'looked up')}/restoration/status`, opts, 'a restoration status');
  }

  async creationStatus(id: string, opts: CallOptions = {}): Promise<StatusInfo> {
    return this.status(`/backup/${idSegment(id, 'looked up')}/creation/status`, opts, 'a creation status');
  }

  async cancelRestoration(id: string, opts: CallOptions = {}): Promise<void> {
    const answer = await this.post(`/backup/${idSegment(id, 'canceled')}/restoration/cancel`, undefined, opts, this.timeoutMs);
    if (!isOk(answer.status)) throw cancelRefused('restore', answer.status, answer.message);
  }

  async cancelCreation(id: string, opts: CallOptions = {}): Promise<void> {
    const answer = await this.post(`/backup/${idSegment(id, 'canceled')}/creation/cancel`, undefined, opts, this.timeoutMs);
    if (!isOk(answer.status)) throw cancelRefused('backup', answer.status, answer.message);
  }

  async deviceInformation(opts: CallOptions = {}): Promise<DeviceInformation> {
    const value = await this.requestJson('GET', '/os/device/information', undefined, opts, 'the device information');
    const w = validate(wireDeviceInformation, value, 'the device information');
    const name = w.name?.trim();
    return { name: name ? name : null, version: w.version ?? null };
  }

  async createStreamed(opts: StreamOptions = {}): Promise<Backup | null> {
    return this.streamed({ path: '/backups/create/streamed', body: '{}', operation: 'backup' }, opts, opts.signal);
  }

  /**
   * Runs a restore call with the caller's abort turned into a cancel PiecesOS hears about: closing
   * the connection alone need not stop a restore on the server. On abort it first posts
   * restoration/cancel (bounded by cancelTimeoutMs), then stops the call, and rejects with
   * 'canceled' saying whether PiecesOS confirmed. A restore that COMPLETED meanwhile is reported
   * as completed: the backup is then in place, whatever the person asked a moment ago.
   */
  private async cancelOnAbort<T>(id: string, caller: AbortSignal | undefined, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (caller === undefined) return run(undefined);
    if (caller.aborted) {
      throw new BackupsApiError('canceled', 'The restore was canceled before it started; your Pieces data is unchanged.', { cancelConfirmed: true });
    }
    const inner = new AbortController();
    let cancel: Promise<CancelAnswer> | null = null;
    const onAbort = (): void => {
      cancel = this.tryCancelRestoration(id).then((answer) => {
        inner.abort();
        return answer;
      });
    };
    caller.addEventListener('abort', onAbort, { once: true });
    try {
      return await run(inner.signal);
    } catch (e) {
      const pending = cancel as Promise<CancelAnswer> | null;
      if (pending === null) throw e;
      const answer = await pending;
      // PiecesOS saying CANCELED in the stream is a confirmation too.
      if (answer.confirmed || (isApiError(e) && e.kind === 'canceled' && e.cancelConfirmed === true)) {
        throw new BackupsApiError('canceled', 'The restore was canceled; PiecesOS confirmed it and put the original data back.', { cancelConfirmed: true, cause: e });
      }
      throw new BackupsApiError(
        'canceled',
        `The restore was stopped, but PiecesOS did not confirm the cancel (${answer.said}); open Pieces to check your data, and check the restoration status before trying again.`,
        { cancelConfirmed: false, cause: e },
      );
    } finally {
      caller.removeEventListener('abort', onAbort);
      // Never leave the cancel request running behind the caller's back (it is bounded).
      const pending = cancel as Promise<CancelAnswer> | null;
      if (pending !== null) await pending;
    }
  }

  /** POST restoration/cancel for an aborted restore; never throws, says how it went. */
  private async tryCancelRestoration(id: string): Promise<CancelAnswer> {
    try {
      const answer = await this.post(`/backup/${idSegment(id, 'canceled')}/restoration/cancel`, undefined, {}, this.cancelTimeoutMs);
      if (isOk(answer.status)) return { confirmed: true };
      return { confirmed: false, said: `it answered HTTP ${answer.status}${answer.message === '' ? '' : `: ${answer.message}`}` };
    } catch (e) {
      if (isApiError(e) && e.kind === 'timeout') return { confirmed: false, said: `it did not answer within ${seconds(this.cancelTimeoutMs)}` };
      if (isApiError(e) && e.kind === 'unreachable') return { confirmed: false, said: 'it could not be reached' };
      return { confirmed: false, said: isApiError(e) && e.kind === 'bad-response' ? 'its answer could not be read' : 'the connection was lost before it answered' };
    }
  }

  /** A streamed create or restore: the same reader, timers and error kinds for both. */
  private async streamed(spec: StreamSpec, opts: StreamOptions, signal: AbortSignal | undefined): Promise<Backup | null> {
    const control = new RequestControl(signal);
    control.arm(this.timeoutMs, 'timeout');
    const noProgressMs = opts.noProgressTimeoutMs ?? this.noProgressTimeoutMs;
    const watch = new ProgressWatch(noProgressMs, () => control.abort('no-progress'));
    const ctx = this.ctx('connect');
    ctx.operation = spec.operation;
    let outcome: { backup: Backup | null };
    try {
      const res = await this.send('POST', spec.path, spec.body, control, ctx, 'application/x-ndjson, text/event-stream, application/json');
      ctx.phase = 'body';
      // From here on two clocks run: silence (restarted by bytes that carry part of a value) and
      // no progress (restarted only when the status or percentage changes).
      control.arm(this.stallTimeoutMs, 'stalled');
      watch.start();
      outcome = await this.followStream(res, control, watch, opts.onProgress, spec.operation);
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

  private async followStream(res: IncomingMessage, control: RequestControl, watch: ProgressWatch, onProgress: StreamOptions['onProgress'], op: Operation): Promise<{ backup: Backup | null }> {
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
      const p = toProgress(raw, op);
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
      else if (p.status === 'FAILED') throw new BackupsApiError('backup-failed', failureSentence(raw, p, op));
      else if (p.status === 'CANCELED') throw canceledByServer(op);
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
    throw new BackupsApiError('connection-lost', `The connection to PiecesOS ended before the ${op} finished${where}; ${checkWhere(op)}, then try again.`);
  }

  private ctx(phase: MapContext['phase']): MapContext {
    return { baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, stallTimeoutMs: this.stallTimeoutMs, phase };
  }

  /** GET a BackupStatus, as StatusInfo. */
  private async status(path: string, opts: CallOptions, what: string): Promise<StatusInfo> {
    const w = validate(wireBackupStatus, await this.requestJson('GET', path, undefined, opts, what), what);
    return { status: w.value ?? 'UNKNOWN', percentage: w.percentage ?? null, backup: fromWireBackup(w.backup) };
  }

  /** A POST whose answer matters only by its status (delete, cancel): the status and the server's words, any status. */
  private async post(path: string, body: string | undefined, opts: CallOptions, timeoutMs: number): Promise<{ status: number; message: string }> {
    const control = new RequestControl(opts.signal);
    control.arm(timeoutMs, 'timeout');
    const ctx = this.ctx('connect');
    ctx.timeoutMs = timeoutMs;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await this.transport.request({ method: 'POST', path, headers, body, signal: control.signal });
      ctx.phase = 'body';
      // Read (bounded) even on 2xx, so the socket can be reused.
      const text = await readText(res, ERROR_BODY_LIMIT);
      return { status: res.statusCode ?? 0, message: serverMessage(text) };
    } catch (e) {
      throw toApiError(e, control, ctx);
    } finally {
      control.dispose();
    }
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

const isOk = (status: number): boolean => status >= 200 && status < 300;

/**
 * An id as one path segment. '.' and '..' would be collapsed by URL parsing (even percent-encoded)
 * and reach another path, and '' names nothing: such an id is refused before anything is sent.
 */
function idSegment(id: string, verb: string): string {
  if (id === '' || id === '.' || id === '..') {
    throw new BackupsApiError('bad-response', `The backup id "${id}" cannot be put in a URL, so this backup cannot be ${verb} through the Backups API.`);
  }
  return encodeURIComponent(id);
}

/** A cancel PiecesOS did not accept. It answers 500 when nothing of that kind is in progress. */
function cancelRefused(op: Operation, status: number, message: string): BackupsApiError {
  if (status === 401 || status === 403) return statusError(status, message);
  const said = message === '' ? '' : `: ${message}`;
  const what = op === 'restore' ? 'restoration' : 'creation';
  const why = status === 500 ? `; it answers that when no ${op} is in progress` : '';
  return new BackupsApiError('http', `PiecesOS did not cancel the ${op} (HTTP ${status}${said})${why}. Check the ${what} status to see where it stands.`, { status });
}

function canceledByServer(op: Operation): BackupsApiError {
  if (op === 'restore') {
    return new BackupsApiError('canceled', 'PiecesOS canceled the restore before it finished and put the original data back.', { cancelConfirmed: true });
  }
  return new BackupsApiError('canceled', 'PiecesOS canceled the backup before it finished.');
}

function statusError(status: number, message: string): BackupsApiError {
  const said = message === '' ? '' : `: ${message}`;
  if (status === 401 || status === 403) {
    // Said once, then what to do; the server's own words (often advice of their own) go to the detail.
    const detail = `HTTP ${status}${message === '' ? '' : `: ${JSON.stringify(message)}`}`;
    return new BackupsApiError('not-signed-in', 'PiecesOS refused the request because Pieces is not signed in or not connected to the Pieces cloud. Sign in to Pieces and connect to the cloud, then try again.', { status, detail });
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
function toProgress(raw: unknown, op: Operation): BackupProgress {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && !('status' in raw)) {
    const what = op === 'restore' ? 'the restored backup' : 'a new backup';
    return { status: 'COMPLETED', percentage: 100, backup: fromWireBackup(validate(wireBackup, raw, what)) };
  }
  const w = validate(wireStreamedProgress, raw, 'a progress value');
  const p: BackupProgress = { status: w.status ?? 'UNKNOWN', percentage: w.percentage ?? null };
  if (w.backup) p.backup = fromWireBackup(w.backup);
  // Not in the published model: a server that names the backup while it runs lets a dropped
  // stream be followed up with creation/status (unknown fields are otherwise ignored).
  const named = (raw as { backup_id?: unknown }).backup_id;
  if (typeof named === 'string' && named !== '') p.backupId = named;
  return p;
}

function failureSentence(raw: unknown, p: BackupProgress, op: Operation): string {
  // Not in the published model, but a server may add a reason; show it when it does.
  const rec = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const reason = [rec.message, rec.error, rec.reason].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const at = p.percentage != null ? ` at ${Math.round(p.percentage)}%` : '';
  return `PiecesOS reported that the ${op} failed${at}${reason ? ` (${serverMessage(reason)})` : ''}; try again, and check PiecesOS if it keeps failing.`;
}
