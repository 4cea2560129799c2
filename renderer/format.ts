// How numbers, dates and names read in the window. Pure functions, so they are easy to test.
import type { ConnectionInfo, HistoryEntry } from '../main/ipc/contract.js';
import { formatBytes } from '../main/shared/format.js';

export { formatBytes };

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const sameYearFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A short local date and time (the year only when it is not this year), or the raw text when
 * the server sent something unparsable. */
export function formatDate(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).getFullYear() === new Date(now).getFullYear() ? sameYearFmt.format(t) : dateFmt.format(t);
}

/** "Fri, Nov 28, 12:00" — for upcoming runs, where the weekday matters. */
export function formatRunTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : timeFmt.format(t);
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

const PLATFORM_NAMES: Record<string, string> = {
  MACOS: 'macOS', LINUX: 'Linux', WINDOWS: 'Windows', WEB: 'Web', FUCHSIA: 'Fuchsia', IOS: 'iOS', ANDROID: 'Android', UNKNOWN: 'Unknown',
};
export function platformName(p: string): string {
  return PLATFORM_NAMES[p] ?? 'Unknown';
}

/** One line saying which PiecesOS the app talks to and how it was found. */
export function describeConnection(c: ConnectionInfo): string {
  if (c.source === 'emulator') return `Emulator${c.url ? ` at ${c.url}` : ''}`;
  if (!c.url) return 'No PiecesOS found';
  const how = { setting: 'set in Settings', env: 'from the environment', discovered: 'found automatically', none: '' }[c.source];
  const name = c.version ? `PiecesOS ${c.version}` : 'PiecesOS';
  return `${name} at ${c.url}${how ? ` (${how})` : ''}`;
}

const TRIGGERS: Record<HistoryEntry['trigger'], string> = { manual: 'Manual', scheduled: 'Scheduled', 'catch-up': 'Catch-up', retry: 'Retry', restore: 'Restore' };
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
