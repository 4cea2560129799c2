// How every front end words a failed backup and its retry (the tray, the window's status line and
// banner): the same sentences everywhere, and never "try again" while the app is already retrying.
// Plain TypeScript, no Node: the window bundles it too.
import type { EngineState, RunError } from '../engine/types.js';
import { formatAtIso } from './time-format.js';

/** "Retrying at 2:31 PM (attempt 2 of 4)": `attempt` counts retries, so the first retry is the
 * second attempt; the total is the first attempt plus the settings' maxRetries. */
export function retryLine(retry: NonNullable<EngineState['retry']>, now: Date): string {
  const when = formatAtIso(retry.at, now);
  const n = retry.attempt + 1;
  const of = retry.attempts !== undefined && retry.attempts >= n ? ` of ${retry.attempts}` : '';
  return `${when ? `Retrying at ${when}` : 'Retrying soon'} (attempt ${n}${of})`;
}

/** A failure's sentence without its closing advice to try again (the app is retrying by itself):
 * "…was lost. Try again." → "…was lost." */
export function withoutTryAgain(message: string): string {
  const cut = message.replace(/[;,]?\s*(?:then\s+)?try again\b[^.;]*\.?\s*$/i, '').trimEnd();
  if (cut === '' || cut === message.trimEnd()) return message;
  return /[.!?]$/.test(cut) ? cut : `${cut}.`;
}

/** What the window, the tray and notifications say when a demo runs against the emulator. */
export const DEMO_MODE_TEXT = 'Demo mode — using the built-in emulator, not your Pieces data';

/** A system error code in parentheses ("(ECONNRESET)", "(UND_ERR_SOCKET)"): for History's details
 * and the log, never for the words a person reads. Runs recorded before the codes moved to
 * `detail` still carry them in their message. */
const ERRNO_IN_PARENS = /\s*\((?:E[A-Z0-9]{2,}|UND_ERR_[A-Z_]+|ERR_[A-Z_]+)\)/g;

/** `message` without system error codes. */
export function withoutErrorCodes(message: string): string {
  return message.replace(ERRNO_IN_PARENS, '');
}

/** The failure as the window and tray show it: no error codes, and without "try again" while a
 * retry is scheduled. */
export function failureText(error: RunError, retry: EngineState['retry']): string {
  const text = withoutErrorCodes(error.message);
  return retry ? withoutTryAgain(text) : text;
}

/** A run failure that happened while PiecesOS answers (it is running): what went wrong, in one
 * title; null for failures that are not about the connection. */
export function droppedTitle(kind: string): string | null {
  switch (kind) {
    case 'connection-lost':
      return 'The connection to PiecesOS dropped during the backup.';
    case 'stalled':
      return 'PiecesOS stopped making progress on the backup.';
    case 'timeout':
      return 'PiecesOS did not answer in time during the backup.';
    case 'unreachable':
      return 'PiecesOS could not be reached for the last backup.';
    default:
      return null;
  }
}
