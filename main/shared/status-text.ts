// How every front end words a failed backup and its retry (the tray, the window's status line and
// banner): the same sentences everywhere, and never "try again" while the app is already retrying.
// Plain TypeScript, no Node: the window bundles it too.
import type { EngineState, RunError } from '../engine/types.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:31" today, "14:31 on 2026-11-29" another day (local time); null when not a time. */
function at(iso: string, now: Date): string | null {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return null;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${time} on ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Retrying at 14:31 (attempt 2 of 4)": `attempt` counts retries, so the first retry is the
 * second attempt; the total is the first attempt plus the settings' maxRetries. */
export function retryLine(retry: NonNullable<EngineState['retry']>, now: Date): string {
  const when = at(retry.at, now);
  const n = retry.attempt + 1;
  const of = retry.attempts !== undefined && retry.attempts >= n ? ` of ${retry.attempts}` : '';
  return `${when ? `Retrying at ${when}` : 'Retrying soon'} (attempt ${n}${of})`;
}

/** A failure's sentence without its closing advice to try again (the app is retrying by itself):
 * "…lost (ECONNRESET); try again." → "…lost (ECONNRESET)." */
export function withoutTryAgain(message: string): string {
  const cut = message.replace(/[;,]?\s*(?:then\s+)?try again\b[^.;]*\.?\s*$/i, '').trimEnd();
  if (cut === '' || cut === message.trimEnd()) return message;
  return /[.!?]$/.test(cut) ? cut : `${cut}.`;
}

/** The failure as the window and tray show it: without "try again" while a retry is scheduled. */
export function failureText(error: RunError, retry: EngineState['retry']): string {
  return retry ? withoutTryAgain(error.message) : error.message;
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
