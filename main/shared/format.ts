// Human formatting shared by the CLI, the tray menu and notifications (decimal units, as
// file managers show sizes).
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[i]}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (future times read "in …"). */
export function formatRelative(thenMs: number, nowMs: number): string {
  const diff = nowMs - thenMs;
  const abs = Math.abs(diff);
  const say = (n: number, unit: string) => (diff >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`);
  if (abs < 45_000) return diff >= 0 ? 'just now' : 'in a moment';
  if (abs < 3_600_000) return say(Math.max(1, Math.round(abs / 60_000)), 'min');
  if (abs < 86_400_000) return say(Math.round(abs / 3_600_000), 'h');
  const days = Math.round(abs / 86_400_000);
  return say(days, days === 1 ? 'day' : 'days');
}

/** Local "YYYY-MM-DD HH:MM", or the raw text when it is not a date. */
export function formatLocalDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
