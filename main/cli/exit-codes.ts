// The CLI's exit codes, by error kind: scripts branch on these.
import { TRANSPORT_KINDS, type ApiErrorKind } from '../api/errors.js';

export const EXIT_OK = 0;
/** The server refused or failed: http, not-signed-in, bad-response, backup-failed, canceled. */
export const EXIT_SERVER = 1;
export const EXIT_USAGE = 2;
/** Transport: unreachable, timeout, stalled, connection-lost. */
export const EXIT_TRANSPORT = 3;

export function exitCodeFor(kind: ApiErrorKind | 'usage' | string): number {
  if (kind === 'usage') return EXIT_USAGE;
  return TRANSPORT_KINDS.has(kind as ApiErrorKind) ? EXIT_TRANSPORT : EXIT_SERVER;
}
