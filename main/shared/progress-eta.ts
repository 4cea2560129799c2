// How long a backup or restore has run and, once it is far enough along, about how long it has
// left. Pure: every time is given in, nothing reads the clock, so the engine (which measures the
// pace), the tray's tooltip and the window (which count down between values) agree, and tests
// give exact times. Plain TypeScript, no Node: the window bundles it too.
//
// The estimate comes from the percentage's average rate since the step began (a cumulative rate
// barely moves with one slow or fast value), blended into the previous estimate counted down, so
// the figure shown does not jump. It says nothing rather than lie: none before 10 %, none once
// the percentage went backwards until it has made 10 points again, none while it stands still for
// longer than its pace explains.
import type { RestorePhase } from '../engine/types.js';

/** The engine's estimate, carried in its state (plain data, crosses IPC and JSON). */
export interface TimeLeft {
  /** Milliseconds left, as estimated when the percentage last advanced. */
  ms: number;
  /** When the percentage last advanced (ISO 8601). */
  at: string;
  /** Once the percentage has not advanced for this long, the estimate is withdrawn (ms). */
  quietLimitMs: number;
}

/** No estimate before the step is this far along (percentage points since it began). */
export const MIN_POINTS = 10;
/** Nor before it has run this long: a run of a few seconds needs none, and its pace is noise. */
export const MIN_MEASURED_MS = 3000;
/** How fast a new reading replaces the estimate counted down (time constant). */
export const SMOOTHING_MS = 20_000;
/** The shortest silence that withdraws an estimate; a slow pace (minutes per point) allows more. */
export const MIN_QUIET_LIMIT_MS = 30_000;
/** A silence is a stall once it lasts this many times the usual time per percentage point. */
const QUIET_POINTS = 4;

interface Point {
  at: number;
  percentage: number;
}

/** Measures one run's pace from its progress values; `restart()` at each new step. */
export class ProgressEta {
  /** Where the measured stretch began (the step's first value, or where it went backwards). */
  #origin: Point | null = null;
  /** The last value that moved the percentage. */
  #last: Point | null = null;
  /** The smoothed estimate as of #last.at, or null while there is none. */
  #leftMs: number | null = null;

  /** A new step (a restore's restore after its safety backup) starts from nothing. */
  restart(): void {
    this.#origin = null;
    this.#last = null;
    this.#leftMs = null;
  }

  /** A progress value at `atMs` (null percentage: a value without one, which changes nothing). */
  observe(atMs: number, percentage: number | null): void {
    if (percentage === null || !Number.isFinite(percentage) || !Number.isFinite(atMs)) return;
    const p = Math.max(0, Math.min(100, percentage));
    const point = { at: atMs, percentage: p };
    if (!this.#origin || !this.#last) {
      this.#origin = point;
      this.#last = point;
      return;
    }
    if (p < this.#last.percentage) {
      // Backwards (a RESET, or the server started over): what was measured says nothing any more.
      this.#origin = point;
      this.#last = point;
      this.#leftMs = null;
      return;
    }
    if (p === this.#last.percentage) return; // a repeat: the countdown goes on from the last advance
    const previous = this.#last;
    this.#last = point;
    const points = p - this.#origin.percentage;
    const measured = atMs - this.#origin.at;
    if (points < MIN_POINTS || p < MIN_POINTS || measured < MIN_MEASURED_MS) {
      this.#leftMs = null;
      return;
    }
    const raw = (measured * (100 - p)) / points;
    if (this.#leftMs === null) {
      this.#leftMs = raw;
      return;
    }
    // The previous estimate, counted down to now, moves toward the new reading by a share that
    // grows with the time between them: many values a second move it little each.
    const counted = Math.max(0, this.#leftMs - (atMs - previous.at));
    const share = 1 - Math.exp(-(atMs - previous.at) / SMOOTHING_MS);
    this.#leftMs = Math.max(0, counted + share * (raw - counted));
  }

  /** The estimate to carry in the state, or null when there is none. */
  current(): TimeLeft | null {
    if (this.#leftMs === null || !this.#origin || !this.#last) return null;
    const msPerPoint = (this.#last.at - this.#origin.at) / (this.#last.percentage - this.#origin.percentage);
    return {
      ms: Math.round(this.#leftMs),
      at: new Date(this.#last.at).toISOString(),
      quietLimitMs: Math.round(Math.max(MIN_QUIET_LIMIT_MS, QUIET_POINTS * msPerPoint)),
    };
  }
}

/** The time left at `nowMs`, counted down from the estimate; null when there is none or the
 * percentage has stood still too long for it to hold. */
export function timeLeftAt(estimate: TimeLeft | null | undefined, nowMs: number): number | null {
  if (!estimate) return null;
  const at = Date.parse(estimate.at);
  if (!Number.isFinite(at) || !Number.isFinite(estimate.ms)) return null;
  const quiet = Math.max(0, nowMs - at);
  if (quiet > estimate.quietLimitMs) return null;
  return Math.max(0, estimate.ms - quiet);
}

/** "0:42", "12:05", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "Less than a minute left", "About 1 minute left", "About 3 minutes left", "About 2 hours left". */
export function timeLeftText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000 || minutes < 1) return 'Less than a minute left';
  if (minutes < 60) return `About ${minutes} minute${minutes === 1 ? '' : 's'} left`;
  const hours = Math.round(minutes / 60);
  return `About ${hours} hour${hours === 1 ? '' : 's'} left`;
}

/** What runTimeLine needs of the engine's running state. */
export interface TimedRun {
  startedAt: string;
  timeLeft?: TimeLeft | null;
  phase?: RestorePhase;
}

/** "Elapsed 1:23 · About 3 minutes left" (the estimate only while there is one); null when the start is unknown. */
export function runTimeLine(run: TimedRun, nowMs: number): string | null {
  const started = Date.parse(run.startedAt);
  if (!Number.isFinite(started)) return null;
  const parts = [`Elapsed ${formatElapsed(nowMs - started)}`];
  const left = timeLeftAt(run.timeLeft, nowMs);
  // A restore's first step is only its safety backup: its time left is not the restore's.
  if (left !== null) parts.push(run.phase === 'safety-backup' ? `${timeLeftText(left)} on the safety backup` : timeLeftText(left));
  return parts.join(' · ');
}
