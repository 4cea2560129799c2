// Short, human wording for times and sizes in the tray menu and tooltip. Local time, no locale
// tables, so the menu reads the same everywhere and tests are deterministic.
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

/** Decimal units, one decimal from MB up: "820 KB", "12.3 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** Keep one line of a menu short: error messages from servers can be long. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
