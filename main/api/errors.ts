// One error type for everything that can go wrong talking to PiecesOS. `kind` lets callers
// (CLI exit codes, engine retries, notifications) decide without parsing messages.
export type ApiErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'stalled'
  | 'connection-lost'
  | 'not-signed-in'
  | 'http'
  | 'bad-response'
  | 'backup-failed'
  | 'canceled';

export const TRANSPORT_KINDS: ReadonlySet<ApiErrorKind> = new Set(['unreachable', 'timeout', 'stalled', 'connection-lost']);

export class BackupsApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status, for `http` and `not-signed-in`. */
  readonly status?: number;
  constructor(kind: ApiErrorKind, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BackupsApiError';
    this.kind = kind;
    if (opts.status !== undefined) this.status = opts.status;
  }
  toJSON(): { kind: ApiErrorKind; message: string; status?: number } {
    return this.status === undefined ? { kind: this.kind, message: this.message } : { kind: this.kind, message: this.message, status: this.status };
  }
}

export function isApiError(e: unknown): e is BackupsApiError {
  return e instanceof BackupsApiError;
}

/** Any failure as data: an API error keeps its kind and sentence; anything else is `internal`,
 * said the same way everywhere (engine history, IPC answers, the CLI). */
export function failureOf(e: unknown): { kind: ApiErrorKind | 'internal'; message: string } {
  if (isApiError(e)) return { kind: e.kind, message: e.message };
  const detail = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message: `Something unexpected went wrong (${detail.slice(0, 200)}); try again, and report it if it keeps happening.` };
}
