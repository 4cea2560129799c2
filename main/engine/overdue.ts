// Overdue: this computer has had no successful backup for longer than it should. The threshold is
// `overdueDays`, or twice the schedule's interval when that is longer (a weekly schedule is not
// overdue after 3 days). Before any success, "no backup" counts from the schedule's start
// (scheduleSetAt). With the schedule off nothing is expected, so nothing is overdue. Pure
// functions of the time: the engine evaluates them at start, after each run, when the settings
// change, and on a timer armed for the next moment the answer changes (no polling).
import type { ScheduleSpec } from '../settings/schema.js';
import { nextRuns } from './schedule.js';

export const DAY_MS = 24 * 60 * 60_000;

export interface OverdueInput {
  now: number;
  /** The last successful backup (ISO), or null. */
  lastSuccessAt: string | null;
  /** When the schedule was set (ISO), or null. */
  scheduleSetAt: string | null;
  spec: ScheduleSpec;
  overdueDays: number;
}

export interface Overdue {
  /** The last successful backup, or the schedule's start when there was none (ISO). */
  since: string;
  /** Whole days since then. */
  days: number;
}

/** How long without a backup is too long for this schedule (ms), or null when none is expected. */
export function overdueThresholdMs(spec: ScheduleSpec, overdueDays: number, now: number): number | null {
  if (spec.kind === 'off') return null;
  const [a, b] = nextRuns(spec, new Date(now), 2);
  const interval = a && b ? b.getTime() - a.getTime() : 0;
  return Math.max(overdueDays * DAY_MS, 2 * interval);
}

function referenceMs(i: OverdueInput): number | null {
  const ref = i.lastSuccessAt ?? i.scheduleSetAt;
  const ms = ref === null ? NaN : Date.parse(ref);
  return Number.isFinite(ms) ? ms : null;
}

export function overdueOf(i: OverdueInput): Overdue | null {
  const ref = referenceMs(i);
  // The threshold is never below overdueDays: skip walking the schedule (it is asked on every state).
  if (ref === null || i.now - ref <= i.overdueDays * DAY_MS) return null;
  const limit = overdueThresholdMs(i.spec, i.overdueDays, i.now);
  if (ref === null || limit === null || i.now - ref <= limit) return null;
  return { since: new Date(ref).toISOString(), days: Math.floor((i.now - ref) / DAY_MS) };
}

/** When overdueOf's answer next changes on its own (it becomes overdue, or the day count grows), or null. */
export function nextOverdueChange(i: OverdueInput): number | null {
  const ref = referenceMs(i);
  const limit = overdueThresholdMs(i.spec, i.overdueDays, i.now);
  if (ref === null || limit === null) return null;
  if (i.now - ref <= limit) return ref + limit + 1;
  return ref + (Math.floor((i.now - ref) / DAY_MS) + 1) * DAY_MS;
}
