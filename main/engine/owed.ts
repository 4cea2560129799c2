// "Back up when PiecesOS returns": after an automatic backup could not run because PiecesOS was
// unreachable or the person was signed out (and no retry is left), the engine owes one backup.
// This module decides from the history whether one is owed (so a restart keeps it), and watches
// for PiecesOS with a check that backs off from 1 to 5 minutes through the engine's Clock. It
// arms a timer only while something is owed; the engine runs the one owed backup once the check
// passes, whatever was missed meanwhile.
import type { BackupsApi } from '../api/backups-api.js';
import { probe } from '../api/discovery.js';
import type { Clock, TimerHandle } from './clock.js';
import type { HistoryEntry, RunError } from './types.js';

export const OWED_FIRST_CHECK_MS = 60_000;
export const OWED_MAX_CHECK_MS = 5 * 60_000;

/** Failures after which a backup is owed: PiecesOS away, or nobody signed in. */
const OWED_KINDS: ReadonlySet<string> = new Set(['unreachable', 'not-signed-in']);
const AUTOMATIC: ReadonlySet<string> = new Set(['scheduled', 'catch-up', 'owed', 'retry']);

/** An automatic backup ended `failed` for a reason that makes the next one wait for PiecesOS. */
export function owesBackup(e: Pick<HistoryEntry, 'trigger' | 'result'> & { error?: RunError | undefined }): boolean {
  return AUTOMATIC.has(e.trigger) && e.result === 'failed' && e.error !== undefined && OWED_KINDS.has(e.error.kind);
}

/**
 * From the history (newest first): owed since when, or null. A backup is owed when an automatic
 * backup failed that way after the last successful backup, and no automatic backup has ended
 * otherwise since (a later final failure of another kind means the owed backup did run).
 */
export function owedFromHistory(history: readonly HistoryEntry[]): { since: string } | null {
  for (const e of history) {
    if (e.trigger === 'restore' || e.result === 'skipped') continue;
    if (e.result === 'completed') return null;
    if (owesBackup(e)) return { since: e.finishedAt };
    if (AUTOMATIC.has(e.trigger) && e.result === 'failed') return null;
  }
  return null;
}

/** PiecesOS answers its health check and lists the backups (so a signed-out PiecesOS does not count). Never throws. */
export async function piecesOsAnswers(api: () => Promise<BackupsApi>): Promise<boolean> {
  try {
    const client = await api();
    if (!(await probe(client.baseUrl, { timeoutMs: 5000 })).ok) return false;
    await client.list();
    return true;
  } catch {
    return false;
  }
}

export interface OwedWatchOptions {
  clock: Clock;
  /** Does PiecesOS answer (health, then the list)? Never throws. */
  available: () => Promise<boolean>;
  /** PiecesOS is back: run the owed backup. */
  ready: () => void;
}

/** Checks for PiecesOS after 1, 2, 4, 5, 5… minutes until it answers or stop() is called. */
export class OwedWatch {
  readonly #o: OwedWatchOptions;
  #timer: TimerHandle | null = null;
  #delay = OWED_FIRST_CHECK_MS;
  #generation = 0;

  constructor(opts: OwedWatchOptions) {
    this.#o = opts;
  }

  get watching(): boolean {
    return this.#timer !== null;
  }

  /** Start watching (from the first, shortest wait) unless already watching. */
  start(): void {
    if (this.#timer) return;
    this.#delay = OWED_FIRST_CHECK_MS;
    this.#arm();
  }

  stop(): void {
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#generation++;
  }

  #arm(): void {
    const generation = this.#generation;
    this.#timer = this.#o.clock.setTimeout(() => void this.#check(generation), this.#delay);
    this.#delay = Math.min(this.#delay * 2, OWED_MAX_CHECK_MS);
  }

  async #check(generation: number): Promise<void> {
    const ok = await this.#o.available().catch(() => false);
    if (generation !== this.#generation) return; // stopped (or restarted) meanwhile
    this.#timer = null;
    if (ok) this.#o.ready();
    else this.#arm();
  }
}
