// Schedules: the presets and custom cron expressions, their validation, description and fire times.
//
// How node-cron drives it: node-cron parses and validates every expression (`validateDetailed`,
// `parse`), and its matcher (`ScheduledTask.match`, on a task that is created but never started)
// decides whether a moment is a fire time, including the L / W / # tokens. We walk candidate
// times from node-cron's parsed fields ourselves instead of starting node-cron's task timers,
// because the engine must run on an injectable Clock (days of schedule in milliseconds in tests)
// and must recompute the next fire time after sleep or a clock change; node-cron's own timers
// only know real time. All times are in the local time zone, as node-cron's default.
import { createTask, validateDetailed, type ParsedFields, type ScheduledTask } from 'node-cron';
import cronstrue from 'cronstrue';
import type { ScheduleSpec } from '../settings/schema.js';
import { scheduleSpec } from '../settings/schema.js';
import { formatTimeOfDay } from '../shared/time-format.js';

export { EVERY_N_HOURS } from '../settings/schema.js';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The cron expression for a spec, or null when the schedule is off. */
export function toCron(spec: ScheduleSpec): string | null {
  switch (spec.kind) {
    case 'off':
      return null;
    case 'hourly':
      return '0 * * * *';
    case 'every-n-hours':
      return `0 */${spec.hours} * * *`;
    case 'daily': {
      const [h, m] = splitTime(spec.time);
      return `${m} ${h} * * *`;
    }
    case 'weekly': {
      const [h, m] = splitTime(spec.time);
      return `${m} ${h} * * ${spec.day}`;
    }
    case 'custom':
      return spec.cron.trim().replace(/\s+/g, ' ');
  }
}

function splitTime(hhmm: string): [number, number] {
  const [h, m] = hhmm.split(':');
  return [Number(h), Number(m)];
}

export type ScheduleValidation = { ok: true; cron: string | null } | { ok: false; message: string };

/** Validate a spec (shape and, for custom, the cron expression) with a message a person can act on. */
export function validateSchedule(spec: unknown): ScheduleValidation {
  const shape = scheduleSpec.safeParse(spec);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    return { ok: false, message: `The schedule is not valid: ${issue ? issue.message : 'unknown problem'}.` };
  }
  const cron = toCron(shape.data);
  if (cron === null) return { ok: true, cron: null };
  const fields = cron.split(' ').length;
  if (fields !== 5 && fields !== 6) {
    return { ok: false, message: `A cron expression needs 5 fields (minute hour day month weekday) or 6 (with seconds first); "${cron}" has ${fields}.` };
  }
  let detail;
  try {
    detail = validateDetailed(cron);
  } catch (e) {
    return { ok: false, message: `"${cron}" is not a valid cron expression: ${(e as Error).message}.` };
  }
  if (!detail.valid || !detail.fields) {
    const first = detail.errors[0];
    const why = first ? `${first.message}${first.field && first.field !== 'expression' ? ` (${first.field} field)` : ''}` : 'it cannot be parsed';
    return { ok: false, message: `"${cron}" is not a valid cron expression: ${why}. Example: "30 2 * * *" runs every day at 02:30.` };
  }
  const gap = shortestGap(detail.fields);
  if (gap !== null && gap < MIN_INTERVAL_S) {
    return { ok: false, message: `"${cron}" fires more often than every 5 minutes (two runs can be ${describeGap(gap)} apart); a backup takes time and PiecesOS runs one at a time, so pick at least 5 minutes, e.g. "*/5 * * * *".` };
  }
  // An expression that never fires (e.g. 30 February) is as useless as an invalid one.
  if (walkForward(cron, detail.fields, Date.now(), 1).length === 0) {
    return { ok: false, message: `"${cron}" never fires; pick a date that exists.` };
  }
  return { ok: true, cron };
}

/** The shortest time allowed between two scheduled runs, in seconds. */
const MIN_INTERVAL_S = 5 * 60;
const DAY_S = 24 * 60 * 60;

/**
 * The shortest time (s) between two fire times of these fields, or null when it fires at most once
 * a day. Every matching day fires at the same times of day, so the gaps between consecutive times
 * of day are exact; the gap from a day's last time to the next day's first one is counted too, as
 * if the next day always matched (it may not, e.g. a weekday list, so this errs on the safe side).
 */
function shortestGap(f: ParsedFields): number | null {
  const times = [...new Set(f.hour)].flatMap((h) => [...new Set(f.minute)].flatMap((m) => [...new Set(f.second)].map((sec) => h * 3600 + m * 60 + sec)));
  if (times.length < 2) return null;
  times.sort((a, b) => a - b);
  let min = DAY_S - (times[times.length - 1] as number) + (times[0] as number);
  for (let i = 1; i < times.length && min > 1; i++) min = Math.min(min, (times[i] as number) - (times[i - 1] as number));
  return min;
}

function describeGap(s: number): string {
  if (s % 60 === 0) return s === 60 ? '1 minute' : `${s / 60} minutes`;
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** Whether this process's locale writes times on a 24-hour clock (the system's choice in the app). */
function uses24HourClock(): boolean {
  try {
    const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
    return cycle === 'h23' || cycle === 'h24';
  } catch {
    return true;
  }
}

/** A valid cron expression in words ("At 02:30, Monday through Friday"), by cronstrue; the
 * expression itself only if cronstrue cannot describe what node-cron accepted. */
function cronInWords(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: uses24HourClock(), throwExceptionOnParseError: true, verbose: false });
  } catch {
    return `Custom schedule: ${cron}`;
  }
}

/** A remark a person should read beside a valid schedule, or null: a custom cron that can fire
 * less than an hour after the previous run (each run is a whole backup of the Pieces data). */
export function scheduleNote(spec: ScheduleSpec): string | null {
  if (spec.kind !== 'custom') return null;
  const parsed = parsedFor(spec);
  if (!parsed) return null;
  const gap = shortestGap(parsed.fields);
  if (gap === null || gap >= 3600) return null;
  return `Runs more often than once an hour: two backups can be ${describeGap(gap)} apart, and each one backs up all your Pieces data.`;
}

/** "Every day at 12:00" and the like; a custom expression in words. */
export function describeSchedule(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'off':
      return 'Off: no automatic backups';
    case 'hourly':
      return 'Every hour, on the hour';
    case 'every-n-hours':
      return spec.hours === 1 ? 'Every hour, on the hour' : `Every ${spec.hours} hours, on the hour (from midnight)`;
    case 'daily':
      return `Every day at ${formatTimeOfDay(spec.time)}`;
    case 'weekly':
      return `Every ${DAY_NAMES[spec.day] ?? 'week'} at ${formatTimeOfDay(spec.time)}`;
    case 'custom': {
      const v = validateSchedule(spec);
      return v.ok && v.cron !== null ? `${cronInWords(v.cron)} (local time)` : v.ok ? 'Off: no automatic backups' : v.message;
    }
  }
}

/** The next `count` fire times strictly after `from` (empty when off or invalid). */
export function nextRuns(spec: ScheduleSpec, from: Date, count = 3): Date[] {
  const parsed = parsedFor(spec);
  if (!parsed) return [];
  return walkForward(parsed.cron, parsed.fields, from.getTime(), count).map((t) => new Date(t));
}

/**
 * The most recent fire time in (since, now], or null. Catch-up asks this: "did the schedule fire
 * since the last successful backup?" A `since` later than `now` (the clock went back) gives null.
 */
export function previousFireTime(spec: ScheduleSpec, now: Date, since: Date): Date | null {
  const parsed = parsedFor(spec);
  if (!parsed || !(since.getTime() < now.getTime())) return null;
  const t = walkBackward(parsed.cron, parsed.fields, now.getTime(), since.getTime());
  return t === null ? null : new Date(t);
}

// --- internals -------------------------------------------------------------------------------

function parsedFor(spec: ScheduleSpec): { cron: string; fields: ParsedFields } | null {
  const cron = toCron(spec);
  if (cron === null) return null;
  const cached = fieldCache.get(cron);
  if (cached) return { cron, fields: cached };
  try {
    const d = validateDetailed(cron);
    if (!d.valid || !d.fields) return null;
    remember(fieldCache, cron, d.fields);
    return { cron, fields: d.fields };
  } catch {
    return null;
  }
}

const CACHE_MAX = 32;
const fieldCache = new Map<string, ParsedFields>();
const matcherCache = new Map<string, ScheduledTask>();

function remember<V>(map: Map<string, V>, key: string, value: V, onEvict?: (v: V) => void): void {
  if (map.size >= CACHE_MAX) {
    const oldest = map.keys().next().value as string;
    const v = map.get(oldest);
    map.delete(oldest);
    if (v !== undefined) onEvict?.(v);
  }
  map.set(key, value);
}

/** node-cron's matcher for an expression: a task that is created and never started (no timers). */
function matcher(cron: string): ScheduledTask {
  let task = matcherCache.get(cron);
  if (!task) {
    task = createTask(cron, () => undefined);
    remember(matcherCache, cron, task, (t) => void t.destroy());
  }
  return task;
}

/** Search horizon: long enough for "29 February on a Monday"-like expressions. */
const MAX_DAYS = 366 * 30;

function timesOfDay(f: ParsedFields): Array<[number, number, number]> {
  const hours = [...f.hour].sort((a, b) => a - b);
  const minutes = [...f.minute].sort((a, b) => a - b);
  const seconds = [...f.second].sort((a, b) => a - b);
  const out: Array<[number, number, number]> = [];
  for (const h of hours) for (const m of minutes) for (const s of seconds) out.push([h, m, s]);
  return out;
}

/** Whether node-cron's matcher accepts the given local day (checked at its first allowed time). */
function dayMatches(task: ScheduledTask, months: Set<number>, y: number, mo: number, d: number, first: [number, number, number]): boolean {
  if (!months.has(mo + 1)) return false;
  const probe = new Date(y, mo, d, first[0], first[1], first[2]);
  if (probe.getDate() !== d) return false; // DST pushed the probe to another day: let the time loop decide
  return task.match(probe);
}

function walkForward(cron: string, f: ParsedFields, fromMs: number, count: number): number[] {
  const task = matcher(cron);
  const months = new Set(f.month);
  const times = timesOfDay(f);
  const first = times[0];
  if (!first) return [];
  const out: number[] = [];
  const start = new Date(fromMs);
  let y = start.getFullYear();
  let mo = start.getMonth();
  let d = start.getDate();
  for (let i = 0; i < MAX_DAYS && out.length < count; i++) {
    if (dayMatches(task, months, y, mo, d, first)) {
      for (const [h, m, s] of times) {
        const t = new Date(y, mo, d, h, m, s).getTime();
        if (t <= fromMs || (out.length > 0 && t <= (out[out.length - 1] as number))) continue;
        if (!task.match(new Date(t))) continue; // a local time skipped by DST
        out.push(t);
        if (out.length >= count) break;
      }
    }
    const next = new Date(y, mo, d + 1, 12);
    y = next.getFullYear();
    mo = next.getMonth();
    d = next.getDate();
  }
  return out;
}

function walkBackward(cron: string, f: ParsedFields, nowMs: number, sinceMs: number): number | null {
  const task = matcher(cron);
  const months = new Set(f.month);
  const times = timesOfDay(f).reverse();
  const firstOfDay = times[times.length - 1];
  if (!firstOfDay) return null;
  const start = new Date(nowMs);
  let y = start.getFullYear();
  let mo = start.getMonth();
  let d = start.getDate();
  for (let i = 0; i < MAX_DAYS; i++) {
    // The whole day lies before `since`: nothing earlier can qualify.
    if (new Date(y, mo, d, 23, 59, 59).getTime() <= sinceMs) return null;
    if (dayMatches(task, months, y, mo, d, firstOfDay)) {
      for (const [h, m, s] of times) {
        const t = new Date(y, mo, d, h, m, s).getTime();
        if (t > nowMs) continue;
        if (t <= sinceMs) return null;
        if (task.match(new Date(t))) return t;
      }
    }
    const prev = new Date(y, mo, d - 1, 12);
    y = prev.getFullYear();
    mo = prev.getMonth();
    d = prev.getDate();
  }
  return null;
}
