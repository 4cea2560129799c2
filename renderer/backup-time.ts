// How the backup list writes a backup's time: the thing people look for, so short and never cut
// ("Today, 02:29", "Yesterday, 18:00", "Nov 27, 02:29", "Nov 27, 2025, 02:29"), and in the details
// the exact time with its zone. The clock follows the system's locale and 12/24-hour choice.
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "Today, 02:29"; the server's raw text when it is not a date. */
export function listTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso || '—';
  const days = Math.round((startOfDay(now) - startOfDay(t)) / 86_400_000);
  const day = days === 0 ? 'Today' : days === 1 ? 'Yesterday'
    : new Date(t).getFullYear() === new Date(now).getFullYear() ? dayMonth.format(t) : dayMonthYear.format(t);
  return `${day}, ${timeOnly.format(t)}`;
}

/** "Saturday, November 28, 2026 at 02:29:05 UTC": the exact local time with its zone. */
export function exactTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso || '—' : exact.format(t);
}
