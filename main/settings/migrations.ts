// Settings file migrations. The file carries a `version`; each step turns version n into n + 1.
// A file from a newer app (version above ours) is not migrated: the store uses its known keys,
// validated, read-only, and never rewrites it (that would lose what the newer app added).
import { EVERY_N_HOURS } from './schema.js';

export const SETTINGS_VERSION = 6;

type Raw = Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n file into version n + 1. */
export const MIGRATIONS: Record<number, (s: Raw) => Raw> = {
  // v0 (no version key; the prototype): schedule was a bare cron string, the URL was `baseUrl`,
  // and notifications were one boolean.
  0: (s) => {
    const out: Raw = { ...s };
    if (typeof s.schedule === 'string') out.schedule = s.schedule.trim() === '' ? { kind: 'off' } : { kind: 'custom', cron: s.schedule };
    if ('baseUrl' in s) {
      if (!('piecesOsUrl' in s)) out.piecesOsUrl = s.baseUrl ?? null;
      delete out.baseUrl;
    }
    if (typeof s.notifications === 'boolean') out.notifications = { onFailure: s.notifications, onSuccess: false, afterCatchUp: s.notifications };
    return out;
  },
  // v1 → v2: retention gained `includeOtherDevices` (safe default: false).
  1: (s) => {
    const r = s.retention;
    if (r && typeof r === 'object' && !('includeOtherDevices' in r)) return { ...s, retention: { ...(r as Raw), includeOtherDevices: false } };
    return s;
  },
  // v2 → v3: `stallMinutes` (minutes without progress before a backup is judged stalled).
  2: (s) => ('stallMinutes' in s ? s : { ...s, stallMinutes: 10 }),
  // v3 → v4: `safetyBackupBeforeRestore` (back up the current data before a restore; on).
  3: (s) => ('safetyBackupBeforeRestore' in s ? s : { ...s, safetyBackupBeforeRestore: true }),
  // v4 → v5: `overdueDays` (days without a backup before the app warns; 3).
  4: (s) => ('overdueDays' in s ? s : { ...s, overdueDays: 3 }),
  // v5 → v6: "every N hours" takes only divisors of 24 (see EVERY_N_HOURS). Another N becomes the
  // largest divisor below it, so backups never end up further apart than the person chose.
  5: (s) => {
    const sched = s.schedule;
    if (!sched || typeof sched !== 'object' || (sched as Raw).kind !== 'every-n-hours') return s;
    const n = (sched as Raw).hours;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || (EVERY_N_HOURS as readonly number[]).includes(n)) return s;
    const hours = [...EVERY_N_HOURS].reverse().find((d) => d <= n) ?? 1;
    return { ...s, schedule: { ...(sched as Raw), hours } };
  },
};

/** The file's version (0 when it has none). */
export function versionOf(raw: Raw): number {
  const v = raw.version;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

export function migrate(raw: Raw): { data: Raw; from: number } {
  const from = versionOf(raw);
  let data = { ...raw };
  for (let n = from; n < SETTINGS_VERSION; n++) {
    const step = MIGRATIONS[n];
    if (step) data = step(data);
  }
  data.version = Math.max(from, SETTINGS_VERSION);
  return { data, from };
}
