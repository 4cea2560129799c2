// The one way every front end writes a time: the tray, the window, notifications and the CLI's
// tables all call these, so "3:30 PM" (or "15:30") reads the same everywhere. Times follow the
// system's locale and its 12/24-hour choice through Intl.DateTimeFormat; the words around them
// ("today", "tomorrow") are the app's own English. Plain TypeScript, no Node: the window bundles it.

/** Whose conventions to follow. Empty: the system's (Intl's default locale). The Electron main
 * process may set the OS's locale and 12/24-hour choice once at start; tests pin a locale. */
export interface TimeStyle {
  locale?: string | undefined;
  /** true: 12-hour clock, false: 24-hour, undefined: the locale's own. */
  hour12?: boolean | undefined;
}

let style: TimeStyle = {};
const cache = new Map<string, Intl.DateTimeFormat>();

/** Follow these conventions from now on (process-wide); `{}` returns to the system's. */
export function setTimeStyle(next: TimeStyle): void {
  style = { ...next };
  cache.clear();
}

export function timeStyle(): TimeStyle {
  return { ...style };
}

function fmt(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    const withClock = options.hour !== undefined && style.hour12 !== undefined ? { ...options, hour12: style.hour12 } : options;
    try {
      f = new Intl.DateTimeFormat(style.locale, withClock);
    } catch {
      // A locale tag Intl does not accept must never break a menu: fall back to the default.
      f = new Intl.DateTimeFormat(undefined, withClock);
    }
    cache.set(key, f);
  }
  return f;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

const dayStart = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
/** Whole calendar days from `now` to `d` (negative in the past); DST-safe by rounding. */
export const dayDelta = (d: Date, now: Date): number => Math.round((dayStart(d) - dayStart(now)) / 86_400_000);

/** "3:30 PM" / "15:30". */
export function formatClock(d: Date): string {
  return fmt(CLOCK).format(d);
}

/** A time of day kept as "HH:MM" (a schedule's), written like every other time: "12:00 PM". */
export function formatTimeOfDay(hhmm: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return hhmm;
  const d = new Date(2000, 0, 1, Number(m[1]), Number(m[2]));
  return Number.isNaN(d.getTime()) ? hhmm : formatClock(d);
}

/** "Nov 28" / "28 Nov" (with the year when it is not `now`'s year). */
export function formatDay(d: Date, now: Date): string {
  return fmt(d.getFullYear() === now.getFullYear() ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

/** "Nov 28, 3:30 PM" / "28 Nov, 15:30" (with the year when it is not `now`'s year). */
export function formatDateTime(d: Date, now: Date = new Date()): string {
  const year = d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' as const };
  return fmt({ ...year, month: 'short', day: 'numeric', ...CLOCK }).format(d);
}

/** "Fri, Nov 28, 12:00 PM": for upcoming runs, where the weekday matters. */
export function formatWeekdayDateTime(d: Date, now: Date = new Date()): string {
  const year = d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' as const };
  return fmt({ weekday: 'short', ...year, month: 'short', day: 'numeric', ...CLOCK }).format(d);
}

/** "today 3:30 PM", "tomorrow 9:00 AM", "yesterday 6:00 PM", "Mon 8:05 AM" within the week
 * ahead, else "Dec 25, 8:05 AM". */
export function formatDayTime(d: Date, now: Date): string {
  const days = dayDelta(d, now);
  if (days === 0) return `today ${formatClock(d)}`;
  if (days === 1) return `tomorrow ${formatClock(d)}`;
  if (days === -1) return `yesterday ${formatClock(d)}`;
  if (days > 1 && days < 7) return `${fmt({ weekday: 'short' }).format(d)} ${formatClock(d)}`;
  return formatDateTime(d, now);
}

/** "Friday, November 27, 2026 at 3:30:05 PM GMT+1": the exact time with its zone, for a backup's
 * details, where a person compares it with another machine's clock. */
export function formatExact(d: Date): string {
  return fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(d);
}

/** "3:30 PM" on `now`'s day, "Nov 29, 3:30 PM" another day: for "at …" in a sentence. */
export function formatAt(d: Date, now: Date): string {
  return dayDelta(d, now) === 0 ? formatClock(d) : formatDateTime(d, now);
}

/** formatAt for an ISO time; null when it is absent or not a time. */
export function formatAtIso(iso: string | null | undefined, now: Date): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : formatAt(d, now);
}

/** formatDateTime for an ISO time; the text itself when a server sent something unparsable. */
export function formatDateTimeIso(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatDateTime(d, now);
}
