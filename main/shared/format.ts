// Human wording shared across front ends: sizes everywhere (the window too), so a backup reads
// "12.3 MB" in the CLI, the tray, notifications and the window; short local times for the CLI,
// the tray and the daemon log (the window words dates with the browser's Intl formats).

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const dayStart = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
/** Whole calendar days from `now` to `d` (negative in the past); DST-safe by rounding. */
const dayDelta = (d: Date, now: Date): number => Math.round((dayStart(d) - dayStart(now)) / 86_400_000);

/** Parse an ISO time; null when absent or unparsable (a corrupt state must not break the menu). */
export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min ago", "3 h ago", "yesterday 18:00", "Nov 20". */
export function formatAgo(d: Date, now: Date): string {
  const ms = now.getTime() - d.getTime();
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  const days = dayDelta(d, now);
  if (days === 0) return `${Math.floor(ms / 3_600_000)} h ago`;
  if (days === -1) return `yesterday ${clock(d)}`;
  const sameYear = d.getFullYear() === now.getFullYear();
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${sameYear ? '' : ` ${d.getFullYear()}`}`;
}

/** "today 18:00", "tomorrow 09:00", "Mon 18:00", "Dec 5 18:00". */
export function formatWhen(d: Date, now: Date): string {
  const days = dayDelta(d, now);
  if (days === 0) return `today ${clock(d)}`;
  if (days === 1) return `tomorrow ${clock(d)}`;
  if (days > 1 && days < 7) return `${WEEKDAYS[d.getDay()]} ${clock(d)}`;
  if (days === -1) return `yesterday ${clock(d)}`;
  return `${MONTHS[d.getMonth()]} ${d.getDate()} ${clock(d)}`;
}

/** Keep one line of a menu short: error messages from servers can be long. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** Decimal units as file managers show them: "999 B", "1.5 KB", "820 KB", "12.3 MB", "1.2 GB";
 * "—" for anything that is not a finite, non-negative number. */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const text = v < 100 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
  return `${text} ${units[i]}`;
}

/** Local "YYYY-MM-DD HH:MM" (":SS" with `seconds`), or the raw text when it is not a date. */
export function formatLocalDateTime(iso: string, opts: { seconds?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d)}${opts.seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** `text` as a finished sentence: a full stop added unless it already ends in one (. ! ? …), so
 * text joined after it starts a new sentence instead of giving "…later.; retrying". */
export function asSentence(text: string): string {
  const t = text.trimEnd();
  return t === '' || /[.!?…]$/.test(t) ? t : `${t}.`;
}
