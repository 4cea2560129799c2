// Turns what node:http, sockets and servers throw at us into BackupsApiErrors with one clear
// sentence each. Kept apart from the client so discovery and the CLI can reuse it.
import { BackupsApiError, type ApiErrorKind } from './errors.js';
import type { RequestControl } from './request-control.js';
import type { BackupProgress } from './wire.js';

/** Socket errors that mean nothing is listening there (as opposed to a dropped connection). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL',
]);

/** The first `code` found on an error, its causes, or (for AggregateError) its members. */
export function errorCode(e: unknown, depth = 0): string | null {
  if (depth > 5 || typeof e !== 'object' || e === null) return null;
  const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof rec.code === 'string') return rec.code;
  const fromCause = errorCode(rec.cause, depth + 1);
  if (fromCause) return fromCause;
  if (Array.isArray(rec.errors)) {
    for (const inner of rec.errors) {
      const c = errorCode(inner, depth + 1);
      if (c) return c;
    }
  }
  return null;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 1 ? `${Number.isInteger(s) ? s : s.toFixed(1)} s` : `${ms} ms`;
}

/** A duration for a sentence: whole minutes as minutes ("10 minutes"), anything else as seconds(). */
export function duration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const m = ms / 60_000;
    return m === 1 ? '1 minute' : `${m} minutes`;
  }
  return seconds(ms);
}

/** What a streamed call does: a backup being made, or a restore. */
export type Operation = 'backup' | 'restore';

/** Where to look after a streamed call ended without a clear outcome. */
export function checkWhere(op: Operation): string {
  return op === 'restore' ? 'check the restoration status and your data in Pieces' : 'check the backup list';
}

/** Why a streamed create (or restore) ended as 'stalled' although values kept coming. */
export function noProgressSentence(ms: number, last: BackupProgress | null, op: Operation = 'backup'): string {
  const at = last === null ? '' : last.percentage !== null ? ` (stuck at ${Math.round(last.percentage)}%)` : ` (stuck at ${last.status})`;
  return `PiecesOS reported no progress for ${duration(ms)}${at}; it may still finish, so ${checkWhere(op)} before trying again.`;
}

export interface MapContext {
  baseUrl: string;
  timeoutMs: number;
  stallTimeoutMs: number;
  /** 'connect': before response headers; 'body': while reading the body. */
  phase: 'connect' | 'body';
  /** For a streamed call: the no-progress limit and the last value that moved. */
  noProgress?: { ms: number; last: BackupProgress | null };
  /** For a streamed call: what it does (the sentences name it); default 'backup'. */
  operation?: Operation;
}

/** Maps anything thrown during a request to a BackupsApiError, using the control's abort reason. */
export function toApiError(e: unknown, control: RequestControl, ctx: MapContext): BackupsApiError {
  if (control.reason === 'canceled') return new BackupsApiError('canceled', 'The request to PiecesOS was canceled.', { cause: e });
  if (control.reason === 'timeout') {
    return new BackupsApiError('timeout', `PiecesOS at ${ctx.baseUrl} did not answer within ${seconds(ctx.timeoutMs)}; check that it is running and not busy, then try again.`, { cause: e });
  }
  if (control.reason === 'stalled') {
    const op = ctx.operation ?? 'backup';
    return new BackupsApiError('stalled', `PiecesOS sent nothing for ${seconds(ctx.stallTimeoutMs)} during the ${op}; it may still finish, so ${checkWhere(op)} before trying again.`, { cause: e });
  }
  if (control.reason === 'no-progress') {
    return new BackupsApiError('stalled', noProgressSentence(ctx.noProgress?.ms ?? 0, ctx.noProgress?.last ?? null, ctx.operation), { cause: e });
  }
  if (e instanceof BackupsApiError) return e;
  const code = errorCode(e);
  if (ctx.phase === 'connect' && code !== null && UNREACHABLE_CODES.has(code)) {
    return new BackupsApiError('unreachable', `Could not reach PiecesOS at ${ctx.baseUrl}. Start PiecesOS or check its address, then try again.`, { cause: e, detail: code });
  }
  const where = ctx.phase === 'connect' ? 'before it answered' : 'while it was answering';
  // The code (ECONNRESET…) is for History's details and the log, not the sentence.
  return new BackupsApiError('connection-lost', `The connection to PiecesOS at ${ctx.baseUrl} was lost ${where}. Try again.`, { cause: e, ...(code ? { detail: code } : {}) });
}

/** Any error as a kind and a human sentence, for logs, notifications and exit codes. */
export function describeError(e: unknown): { kind: ApiErrorKind; message: string; detail?: string } {
  if (e instanceof BackupsApiError) return { kind: e.kind, message: e.message, ...(e.detail === undefined ? {} : { detail: e.detail }) };
  if (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError') {
    return { kind: 'canceled', message: 'The request to PiecesOS was canceled.' };
  }
  const code = errorCode(e);
  if (code !== null && UNREACHABLE_CODES.has(code)) {
    return { kind: 'unreachable', message: 'Could not reach PiecesOS. Start PiecesOS or check its address, then try again.', detail: code };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return { kind: 'connection-lost', message: 'The connection to PiecesOS was lost. Try again.', detail: code };
  }
  const detail = e instanceof Error ? e.message : String(e);
  // Anything else is unexpected; 'bad-response' is the kind that tells callers not to retry blindly.
  return { kind: 'bad-response', message: `Something unexpected went wrong talking to PiecesOS (${detail.slice(0, 200)}); try again, and report it if it keeps happening.` };
}
