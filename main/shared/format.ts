// Human wording shared across front ends: sizes everywhere (the window too), so a backup reads
// "12.3 MB" in the CLI, the tray, notifications and the window. Times come from time-format.ts
// (Intl, the system's locale and clock), the one way every front end writes them.
import { dayDelta, formatClock, formatDay, formatDayTime } from './time-format.js';

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** Parse an ISO time; null when absent or unparsable (a corrupt state must not break the menu). */
export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min ago", "3 h ago", "yesterday 6:00 PM", "Nov 20". */
export function formatAgo(d: Date, now: Date): string {
  const ms = now.getTime() - d.getTime();
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  const days = dayDelta(d, now);
  if (days === 0) return `${Math.floor(ms / 3_600_000)} h ago`;
  if (days === -1) return `yesterday ${formatClock(d)}`;
  return formatDay(d, now);
}

/** "today 6:00 PM", "tomorrow 9:00 AM", "Mon 6:00 PM", "Dec 5, 6:00 PM" (see time-format.ts). */
export function formatWhen(d: Date, now: Date): string {
  return formatDayTime(d, now);
}

/** Keep one line of a menu short: error messages from servers can be long. Cut at a word
 * boundary with "…" (a word longer than half the room is cut inside, rather than left nearly empty). */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  if (one.length <= max) return one;
  const room = one.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  const cut = one[max - 1] === ' ' ? room : space >= max / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.!?(–—-]+$/, '')}…`;
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

/** Local "YYYY-MM-DD HH:MM" (":SS" with `seconds`), or the raw text when it is not a date: for
 * log lines, which stay sortable and greppable; people read time-format.ts's formatDateTime. */
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
