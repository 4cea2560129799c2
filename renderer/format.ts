// How numbers, dates and names read in the window. Pure functions, so they are easy to test.
import type { ConnectionInfo, HistoryEntry } from '../main/ipc/contract.js';
// Times and platform names come from main/shared, so the window writes them as the tray, the
// notifications and the CLI do.
import { formatBytes } from '../main/shared/format.js';
import { formatDateTimeIso, formatWeekdayDateTime } from '../main/shared/time-format.js';
import { platformName } from '../main/shared/platform-name.js';

export { formatBytes, platformName };

/** A short local date and time (the year only when it is not this year), or the raw text when
 * the server sent something unparsable. */
export function formatDate(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  return formatDateTimeIso(iso, new Date(now));
}

/** "Fri, Nov 28, 12:00 PM" — for upcoming runs, where the weekday matters. */
export function formatRunTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatWeekdayDateTime(new Date(t), new Date(now));
}

/** "3 minutes ago", "in 2 hours"; `now` is injectable for tests. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = t - now;
  const abs = Math.abs(diff);
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60_000, 'second'], [3_600_000, 'minute'], [86_400_000, 'hour'], [30 * 86_400_000, 'day'], [365 * 86_400_000, 'month'], [Infinity, 'year'],
  ];
  const size: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, month: 30 * 86_400_000, year: 365 * 86_400_000 };
  if (abs < 45_000) return diff <= 0 ? 'just now' : 'in a moment';
  const [, unit] = steps.find(([limit]) => abs < limit) ?? steps[steps.length - 1]!;
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.round(diff / size[unit]!), unit);
}


/** One line saying which PiecesOS the app talks to and how it was found. */
export function describeConnection(c: ConnectionInfo): string {
  if (c.source === 'emulator') return `Emulator${c.url ? ` at ${c.url}` : ''}`;
  if (!c.url) return 'No PiecesOS found';
  const how = { setting: 'set in Settings', env: 'from the environment', discovered: 'found automatically', none: '' }[c.source];
  const name = c.version ? `PiecesOS ${c.version}` : 'PiecesOS';
  return `${name} at ${c.url}${how ? ` (${how})` : ''}`;
}

const TRIGGERS: Record<HistoryEntry['trigger'], string> = { manual: 'Manual', scheduled: 'Scheduled', 'catch-up': 'Catch-up', owed: 'After PiecesOS returned', retry: 'Retry', restore: 'Restore' };
const RESULTS: Record<HistoryEntry['result'], string> = { completed: 'Completed', failed: 'Failed', canceled: 'Canceled', skipped: 'Skipped', interrupted: 'Interrupted' };
export function triggerName(t: string): string {
  return (TRIGGERS as Record<string, string>)[t] ?? t;
}
export function resultName(r: string): string {
  return (RESULTS as Record<string, string>)[r] ?? r;
}

/** Duration between two ISO times: "42 s", "3 min 5 s". */
export function formatDuration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

/** "old-laptop, Nov 3, 10:00, 2.4 MB": which backup, in the words the window shows in its list. */
export function describeBackup(b: { deviceName: string; created: string; bytes: number }, now: number = Date.now()): string {
  return `${b.deviceName}, ${formatDate(b.created, now)}, ${formatBytes(b.bytes)}`;
}
