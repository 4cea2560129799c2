// How the backup list writes a backup's time: the thing people look for, so short and never cut
// ("Today, 02:29", "Yesterday, 18:00", "Nov 27, 02:29", "Nov 27, 2025, 02:29"), and in the details
// the exact time with its zone. The clock follows the system's locale and 12/24-hour choice.
// The clock, the day and the exact time come from the one shared formatter
// (main/shared/time-format.ts), so the list writes times as the tray, notifications and the CLI do.
import { dayDelta, formatClock, formatDay, formatExact } from '../main/shared/time-format.js';

/** "Today, 02:29"; the server's raw text when it is not a date. */
export function listTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso || '—';
  const d = new Date(t);
  const days = dayDelta(d, new Date(now));
  const day = days === 0 ? 'Today' : days === -1 ? 'Yesterday' : formatDay(d, new Date(now));
  return `${day}, ${formatClock(d)}`;
}

/** "Saturday, November 28, 2026 at 2:29:05 AM UTC": the exact local time with its zone. */
export function exactTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso || '—' : formatExact(new Date(t));
}
