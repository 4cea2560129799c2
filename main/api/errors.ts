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
  /** For a canceled restore: whether the original data is known to be in place (PiecesOS answered
   * the cancel with 2xx or reported CANCELED itself, or the restore never started). False means
   * the restore was stopped without that confirmation: the person should check their data. */
  readonly cancelConfirmed?: boolean;
  /** What a person need not read but a report needs: a system error code ("ECONNRESET"), the
   * server's own words. Kept out of `message`; shown in History's details and the log. */
  readonly detail?: string;
  constructor(kind: ApiErrorKind, message: string, opts: { status?: number; cause?: unknown; cancelConfirmed?: boolean; detail?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BackupsApiError';
    this.kind = kind;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.cancelConfirmed !== undefined) this.cancelConfirmed = opts.cancelConfirmed;
    if (opts.detail !== undefined && opts.detail !== '') this.detail = opts.detail;
  }
  toJSON(): { kind: ApiErrorKind; message: string; status?: number; cancelConfirmed?: boolean; detail?: string } {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.cancelConfirmed === undefined ? {} : { cancelConfirmed: this.cancelConfirmed }),
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }
}

export function isApiError(e: unknown): e is BackupsApiError {
  return e instanceof BackupsApiError;
}

/** Any failure as data: an API error keeps its kind and sentence; anything else is `internal`,
 * said the same way everywhere (engine history, IPC answers, the CLI). */
export function failureOf(e: unknown): { kind: ApiErrorKind | 'internal'; message: string; detail?: string } {
  if (isApiError(e)) return { kind: e.kind, message: e.message, ...(e.detail === undefined ? {} : { detail: e.detail }) };
  const detail = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message: `Something unexpected went wrong (${detail.slice(0, 200)}); try again, and report it if it keeps happening.` };
}
