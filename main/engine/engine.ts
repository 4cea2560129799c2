// The backup engine: runs backups one at a time, on a schedule, with catch-up after missed runs,
// retries with backoff, pause, and retention after success; it reports typed state and records
// every run in the shared history. Electron-free: the tray app, the daemon and tests all use it.
//
// Timing: one timer at a time for the schedule, armed through the injectable Clock for the next
// fire time computed by schedule.ts (node-cron's parser and matcher). Long waits are cut into
// chunks of at most 10 minutes so a wall-clock change is noticed without polling: idle wakes at
// most once per 10 minutes. After sleep, `systemResumed()` recomputes and checks catch-up.
import type { BackupsApi } from '../api/backups-api.js';
import { BackupsApiError, TRANSPORT_KINDS, failureOf, isApiError } from '../api/errors.js';
import type { Backup, BackupStatus } from '../api/wire.js';
import type { RetentionPolicy, ScheduleSpec, Settings } from '../settings/schema.js';
import type { SettingsStore } from '../settings/store.js';
import type { DeletionRecord, HistoryStore } from './history.js';
import { hostname } from 'node:os';
import type { EngineState, HistoryEntry, RunError, Trigger, WaitingInfo } from './types.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { createCoalescer, type Coalescer } from './coalesce.js';
import { Emitter } from './emitter.js';
import { nextRuns, previousFireTime } from './schedule.js';
import { applyPrune, planPrune, type PrunePlan } from './prune.js';
import type { DeviceIdentityStore } from './device-identity.js';

/** Said in the history and the log when PiecesOS completed a backup without naming it. */
export const UNNAMED_BACKUP = 'PiecesOS did not say which backup it made, so retention was skipped for this run (it never deletes without knowing the new backup).';

export const WAKE_CHUNK_MS = 10 * 60_000;
/** A scheduled wake this late means the process slept through the fire time: it is a catch-up. */
const LATE_MS = 2 * 60_000;
const STOP_GRACE_MS = 4000;

/** While another process holds the backup lock, try it again this often (only while waiting). */
export const WAIT_POLL_MS = 30_000;
/** An automatic backup that has waited this long for the lock is worth one notification. */
export const WAIT_NOTICE_MS = 60 * 60_000;

type HeldLock = { release(): Promise<void> };
export type RunLockFn = () => Promise<{ lock: HeldLock } | { heldBy: { pid: number; since: string; host?: string } }>;

export interface EngineOptions {
  api: () => Promise<BackupsApi>;
  settings: SettingsStore;
  history: HistoryStore;
  clock?: Clock;
  /** Which device is this computer (asked of PiecesOS, else learned from a backup made here; kept on disk). */
  identity: DeviceIdentityStore;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** Single flight across processes (the app, the daemon, the CLI on one config folder). */
  runLock?: RunLockFn;
  /** A schedule used instead of the saved one, for this engine only (daemon --schedule). */
  scheduleOverride?: ScheduleSpec;
  /** Minutes without progress before a backup is judged stalled, instead of the saved `stallMinutes` (daemon --stall-minutes). */
  stallMinutesOverride?: number;
  deletions?: { record(d: DeletionRecord): Promise<void> };
  coalesceMs?: number;
}

export interface RunFinished {
  entry: HistoryEntry;
  /** A retry is scheduled at this ISO time. */
  retryAt: string | null;
  /** How many times it has been retried so far (0 for a first attempt). */
  attempt: number;
}

export interface EngineEvents {
  state: EngineState;
  'run-started': { trigger: Trigger; startedAt: string };
  'run-finished': RunFinished;
  retention: { deleted: Backup[]; failed: Array<{ id: string; error: RunError }> };
  backups: Backup[];
  'catch-up': { missed: string };
  /** An automatic backup has waited over an hour for another process's backup (once per wait). */
  'waiting-long': WaitingInfo;
}

export type BackupNowResult = { started: true; done: Promise<HistoryEntry> } | { started: false; reason: 'already-running' };

interface Running {
  trigger: Trigger;
  startedAt: string;
  status: BackupStatus;
  percentage: number | null;
  abort: AbortController;
  done: Promise<HistoryEntry>;
  /** It holds the backup lock and has been announced: only then is the engine `running`. */
  started?: boolean;
}

/** Worth retrying: transport trouble, a server error, or PiecesOS busy (409: a backup it is
 * still finishing, e.g. after a stalled stream; 429: too many requests). */
export function isTransient(e: unknown): boolean {
  if (!isApiError(e)) return false;
  const status = e.status ?? 0;
  return TRANSPORT_KINDS.has(e.kind) || (e.kind === 'http' && (status >= 500 || status === 409 || status === 429));
}

const toRunError = (e: unknown): RunError => failureOf(e);

export class BackupEngine {
  readonly #o: EngineOptions;
  readonly #clock: Clock;
  readonly #events = new Emitter<EngineEvents>();
  readonly #state: Coalescer<EngineState>;
  #running: Running | null = null;
  #lastError: RunError | null = null;
  #lastSuccess: EngineState['lastSuccess'] = null;
  #retry: { at: number; attempt: number; timer: TimerHandle } | null = null;
  #retryChain = 0;
  #scheduleTimer: TimerHandle | null = null;
  #due: number | null = null;
  #nextRun: number | null = null;
  #started = false;
  #stopping = false;
  #lastCatchUpFor: number | null = null;
  #unsubscribe: (() => void) | null = null;
  /** A backup waiting for another process's lock, and the timer that tries the lock again. */
  #waiting: (WaitingInfo & { noticed: boolean }) | null = null;
  #waitTimer: TimerHandle | null = null;

  constructor(opts: EngineOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#state = createCoalescer((s) => this.#events.emit('state', s), { clock: this.#clock, intervalMs: opts.coalesceMs ?? 34 });
  }

  on<K extends keyof EngineEvents>(event: K, listener: (p: EngineEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Load the last outcome from history, arm the schedule, and catch up if a run was missed. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    try {
      const history = await this.#o.history.list();
      const success = history.find((e) => e.result === 'completed');
      if (success) this.#lastSuccess = successOf(success);
      const last = history.find((e) => e.result !== 'skipped');
      if (last?.result === 'failed' && last.error) this.#lastError = last.error;
    } catch (e) {
      this.#log('warn', `Could not read the run history (${(e as Error).message}); starting without it.`);
    }
    const s = this.#settings();
    if (s.scheduleSetAt === null && !this.#o.settings.readOnly) this.#safely(() => this.#o.settings.setScheduleSetAt(this.#iso()));
    this.#unsubscribe = this.#o.settings.onChange((next, prev) => {
      if (JSON.stringify(next.schedule) !== JSON.stringify(prev.schedule) || next.pausedUntil !== prev.pausedUntil || next.catchUp !== prev.catchUp) {
        if (next.pausedUntil !== null) {
          this.#clearRetry();
          this.#dropAutomaticWait();
        }
        this.#arm();
      }
      this.#emitState();
    });
    this.#arm();
    this.#emitState();
    this.checkCatchUp();
  }

  /** Cancel a backup in flight (it is recorded `canceled`) and clear every timer. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#started = false;
    this.#clock.clearTimeout(this.#scheduleTimer);
    this.#scheduleTimer = null;
    this.#clearRetry();
    this.#endWait();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    const running = this.#running;
    if (running) {
      running.abort.abort(new BackupsApiError('canceled', 'The backup was canceled because Pieces Backup is stopping.'));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([running.done.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
      clearTimeout(timer);
    }
    this.#state.flush();
    this.#state.dispose();
  }

  getState(): EngineState {
    const s = this.#settings();
    const r = this.#running;
    const paused = this.#pausedUntil(s);
    // `running` is set from the moment a backup is asked for; the phase is 'running' only once it
    // holds the backup lock, so one that ends up waiting for another process never shows (or is
    // logged) as backing up.
    const phase: EngineState['phase'] = r?.started ? 'running'
      : this.#waiting ? 'waiting'
      : paused !== null ? 'paused'
      : this.#lastError && TRANSPORT_KINDS.has(this.#lastError.kind as never) ? 'offline'
      : this.#lastError ? 'error'
      : 'idle';
    return {
      phase,
      running: r ? { trigger: r.trigger, startedAt: r.startedAt, status: r.status, percentage: r.percentage } : null,
      pausedUntil: paused,
      lastError: this.#lastError,
      lastSuccess: this.#lastSuccess,
      nextRun: this.#nextRun === null ? null : new Date(this.#nextRun).toISOString(),
      retry: this.#retry ? { at: new Date(this.#retry.at).toISOString(), attempt: this.#retry.attempt } : null,
      waiting: this.#waiting ? { trigger: this.#waiting.trigger, since: this.#waiting.since, heldBy: { ...this.#waiting.heldBy } } : null,
    };
  }

  /** Start a backup unless one is running. Decided synchronously, so a burst of starts makes one backup. */
  backupNow(trigger: Trigger = 'manual'): BackupNowResult {
    return this.#begin(trigger, null);
  }

  /** backupNow, with the backup lock already taken when a wait for it has just ended. */
  #begin(trigger: Trigger, held: HeldLock | null): BackupNowResult {
    if (this.#running) return { started: false, reason: 'already-running' };
    if (trigger !== 'retry') {
      this.#clearRetry();
      this.#retryChain = 0;
    }
    const abort = new AbortController();
    const running = { trigger, startedAt: this.#iso(), status: 'INITIALIZED', percentage: null, abort } as Omit<Running, 'done'> as Running;
    this.#running = running;
    running.done = this.#run(running, held);
    return { started: true, done: running.done };
  }

  /** Pause automatic backups (schedule, catch-up, retries). Manual backups still work. */
  async pause(until: '1h' | 'tomorrow' | 'resume'): Promise<EngineState> {
    let value: string;
    if (until === '1h') value = new Date(this.#clock.now() + 3_600_000).toISOString();
    else if (until === 'tomorrow') {
      const d = new Date(this.#clock.now());
      value = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 0, 0, 0).toISOString();
    } else value = 'resume';
    this.#clearRetry();
    this.#dropAutomaticWait();
    await this.#o.settings.setPause(value);
    return this.getState();
  }

  async resume(): Promise<EngineState> {
    await this.#o.settings.setPause(null);
    return this.getState();
  }

  /** The system woke from sleep: recompute the next run and catch up if one was missed. */
  systemResumed(): void {
    if (!this.#started) return;
    this.#arm();
    this.checkCatchUp();
  }

  /**
   * Run one catch-up backup if the schedule fired since the last successful backup (or since it
   * was set, before any success). Never one per missed tick; never when the history is newer
   * than the clock.
   */
  checkCatchUp(): boolean {
    if (!this.#started || this.#running || this.#retry) return false;
    const s = this.#settings();
    if (!s.catchUp || this.#pausedUntil(s) !== null) return false;
    const ref = this.#lastSuccess?.at ?? s.scheduleSetAt;
    if (!ref) return false;
    const refMs = Date.parse(ref);
    const now = this.#clock.now();
    if (!Number.isFinite(refMs)) return false;
    if (refMs > now) {
      this.#log('warn', `The last backup (${ref}) is later than the clock (${new Date(now).toISOString()}); the clock went back, so no catch-up.`);
      return false;
    }
    const missed = previousFireTime(this.#spec(s), new Date(now), new Date(refMs));
    if (!missed || missed.getTime() === this.#lastCatchUpFor) return false;
    this.#lastCatchUpFor = missed.getTime();
    const r = this.backupNow('catch-up');
    if (r.started) this.#events.emit('catch-up', { missed: missed.toISOString() });
    return r.started;
  }

  /** What retention would delete now with this policy (a dry run): the very plan a run would make. */
  async previewRetention(policy: RetentionPolicy): Promise<PrunePlan> {
    const api = await this.#o.api();
    return planPrune(api, { ...policy, enabled: true }, { identity: this.#o.identity, now: new Date(this.#clock.now()) });
  }

  // --- running a backup --------------------------------------------------------------------

  async #run(running: Running, held: HeldLock | null): Promise<HistoryEntry> {
    await Promise.resolve(); // let backupNow return before any work (and any event) happens
    let entry: HistoryEntry;
    let failure: unknown = null;
    let lock = held;
    try {
      // The lock comes first, so a backup that must wait for another process is never announced
      // as started (no 'running' flicker each time the lock is tried).
      if (!lock && this.#o.runLock) {
        const got = await this.#o.runLock();
        if ('heldBy' in got) return await this.#waitForLock(running, got.heldBy);
        lock = got.lock;
      }
      this.#endWait();
      running.started = true;
      this.#events.emit('run-started', { trigger: running.trigger, startedAt: running.startedAt });
      this.#emitState();
      const signal = running.abort.signal;
      const api = await this.#o.api();
      signal.throwIfAborted();
      const backup = await api.createStreamed({
        signal,
        // Read once per run: a change in Settings applies to the next backup, not per value.
        noProgressTimeoutMs: (this.#o.stallMinutesOverride ?? this.#settings().stallMinutes) * 60_000,
        onProgress: (p) => {
          running.status = p.status;
          if (p.percentage !== null) running.percentage = Math.max(0, Math.min(100, p.percentage));
          if (p.status === 'RESET') running.percentage = 0;
          this.#state.push(this.getState());
        },
      });
      running.status = 'COMPLETED';
      running.percentage = 100;
      // The device name on a backup this machine's own create returned is this computer's.
      if (backup) await this.#o.identity.learnFromOwnBackup(backup.deviceName);
      entry = this.#entry(running, 'completed', backup ? { bytes: backup.bytes, backupId: backup.id } : { note: UNNAMED_BACKUP });
      this.#lastSuccess = successOf(entry);
      this.#lastError = null;
      this.#retryChain = 0;
      await this.#afterSuccess(api, running.abort.signal, backup);
    } catch (e) {
      if (running.abort.signal.aborted) {
        const reason = running.abort.signal.reason;
        entry = this.#entry(running, 'canceled', { error: { kind: 'canceled', message: isApiError(reason) ? reason.message : 'The backup was canceled.' } });
      } else {
        failure = e;
        entry = this.#entry(running, 'failed', { error: toRunError(e) });
        this.#lastError = entry.error ?? null;
      }
    } finally {
      await lock?.release().catch(() => undefined);
    }
    return this.#finish(running, entry, failure);
  }

  async #finish(running: Running, entry: HistoryEntry, failure: unknown): Promise<HistoryEntry> {
    try {
      await this.#o.history.record(entry);
    } catch (e) {
      this.#log('warn', `Could not record the run in the history (${(e as Error).message}).`);
    }
    if (this.#running === running) this.#running = null;
    let retryAt: number | null = null;
    const attempt = running.trigger === 'retry' ? this.#retryChain : 0;
    if (entry.result === 'failed') retryAt = this.#maybeRetry(failure);
    this.#events.emit('run-finished', { entry, retryAt: retryAt === null ? null : new Date(retryAt).toISOString(), attempt });
    this.#emitState();
    return entry;
  }

  #entry(running: Running, result: HistoryEntry['result'], extra: Partial<HistoryEntry>): HistoryEntry {
    return { trigger: running.trigger, result, startedAt: running.startedAt, finishedAt: this.#iso(), ...extra };
  }

  /** Retention (when on) and a fresh list for the window; neither can turn the backup into a failure. */
  async #afterSuccess(api: BackupsApi, signal: AbortSignal, made: Backup | null): Promise<void> {
    const policy = this.#settings().retention;
    if (!policy.enabled || made === null) {
      // Without knowing which backup was just made, retention could delete it: skip it this time.
      if (policy.enabled) this.#log('warn', `Retention did not run: ${UNNAMED_BACKUP}`);
      await api.list({ signal }).then((list) => this.#events.emit('backups', list), () => undefined);
      return;
    }
    let plan: PrunePlan;
    try {
      plan = await planPrune(api, policy, { identity: this.#o.identity, now: new Date(this.#clock.now()), justMade: made.id, signal });
    } catch (e) {
      this.#log('warn', `Retention did not run: the backup list could not be read (${toRunError(e).message}).`);
      return;
    }
    if (plan.skipped) this.#log('info', `Retention deleted nothing: ${plan.skipped}`);
    const outcome = await applyPrune(api, plan, policy, {
      ...(this.#o.deletions ? { deletions: this.#o.deletions } : {}),
      log: (level, message) => this.#log(level, message),
      now: () => new Date(this.#clock.now()),
      signal,
    });
    if (outcome.deleted.length || outcome.failed.length) this.#events.emit('retention', outcome);
    const gone = new Set(outcome.deleted.map((b) => b.id));
    this.#events.emit('backups', plan.list.filter((b) => !gone.has(b.id)));
  }

  // --- waiting for another process's backup -----------------------------------------------

  /**
   * Another process holds the backup lock: wait for it (phase `waiting`) instead of giving up,
   * trying the lock every 30 s until it is free or stale, then run. One 'skipped' record per
   * wait, however many attempts (polls, schedule ticks, clicks) it takes.
   */
  async #waitForLock(running: Running, owner: { pid: number; since: string; host?: string }): Promise<HistoryEntry> {
    const heldBy = holderOf(owner);
    const first = this.#waiting === null;
    if (this.#waiting) this.#waiting.heldBy = heldBy;
    else this.#waiting = { trigger: running.trigger, since: running.startedAt, heldBy, noticed: false };
    this.#armWaitPoll();
    const who = heldBy.pid > 0 ? `process ${heldBy.pid}` : 'another process';
    const entry = this.#entry(running, 'skipped', {
      error: { kind: 'already-running', message: `Another Pieces Backup (${who}) is backing up, so this ${running.trigger} backup waits for it and runs when it is done.` },
    });
    if (first) return this.#finish(running, entry, null);
    if (this.#running === running) this.#running = null;
    this.#emitState();
    return entry;
  }

  #armWaitPoll(): void {
    if (this.#waitTimer || this.#stopping) return;
    this.#waitTimer = this.#clock.setTimeout(() => void this.#pollLock(), WAIT_POLL_MS);
  }

  async #pollLock(): Promise<void> {
    this.#waitTimer = null;
    const w = this.#waiting;
    if (!w || this.#stopping || !this.#o.runLock) return;
    // A run in flight (perhaps the attempt that began this wait, still recording it) ends the
    // wait if it takes the lock; if not, the wait goes on.
    if (this.#running) {
      this.#armWaitPoll();
      return;
    }
    let got: Awaited<ReturnType<RunLockFn>>;
    try {
      got = await this.#o.runLock();
    } catch (e) {
      this.#log('warn', `Could not check the backup lock (${failureOf(e).message}); trying again in ${WAIT_POLL_MS / 1000} s.`);
      this.#armWaitPoll();
      return;
    }
    if (this.#waiting !== w || this.#stopping || this.#running) {
      if ('lock' in got) await got.lock.release().catch(() => undefined);
      if (this.#waiting === w) this.#armWaitPoll();
      return;
    }
    if ('lock' in got) {
      this.#begin(w.trigger, got.lock); // its run ends the wait
      return;
    }
    const heldBy = holderOf(got.heldBy);
    const changed = JSON.stringify(heldBy) !== JSON.stringify(w.heldBy);
    w.heldBy = heldBy;
    if (!w.noticed && w.trigger !== 'manual' && this.#clock.now() - Date.parse(w.since) > WAIT_NOTICE_MS) {
      w.noticed = true;
      this.#events.emit('waiting-long', { trigger: w.trigger, since: w.since, heldBy: { ...heldBy } });
    }
    this.#armWaitPoll();
    if (changed) this.#emitState();
  }

  /** Pausing stops automatic backups, waiting ones too; a manual one still runs when it can. */
  #dropAutomaticWait(): void {
    if (this.#waiting && this.#waiting.trigger !== 'manual') this.#endWait();
  }

  #endWait(): void {
    this.#clock.clearTimeout(this.#waitTimer);
    this.#waitTimer = null;
    if (this.#waiting === null) return;
    this.#waiting = null;
    this.#emitState();
  }

  // --- retries ------------------------------------------------------------------------------

  #maybeRetry(failure: unknown): number | null {
    const s = this.#settings();
    if (this.#stopping || !isTransient(failure) || this.#pausedUntil(s) !== null || this.#retryChain >= s.retries.maxRetries) {
      this.#retryChain = 0;
      return null;
    }
    const delayMs = Math.min(s.retries.baseDelaySeconds * 2 ** this.#retryChain, s.retries.maxDelaySeconds) * 1000;
    this.#retryChain++;
    const at = this.#clock.now() + delayMs;
    const timer = this.#clock.setTimeout(() => {
      this.#retry = null;
      if (this.#stopping || this.#pausedUntil(this.#settings()) !== null) {
        this.#retryChain = 0;
        this.#emitState();
        return;
      }
      if (!this.backupNow('retry').started) this.#retryChain = 0;
    }, delayMs);
    this.#retry = { at, attempt: this.#retryChain, timer };
    return at;
  }

  #clearRetry(): void {
    if (!this.#retry) return;
    this.#clock.clearTimeout(this.#retry.timer);
    this.#retry = null;
  }

  // --- schedule -----------------------------------------------------------------------------

  #arm(): void {
    this.#clock.clearTimeout(this.#scheduleTimer);
    this.#scheduleTimer = null;
    this.#due = null;
    this.#nextRun = null;
    if (!this.#started || this.#stopping) return;
    const now = this.#clock.now();
    const s = this.#settings();
    const paused = this.#pausedUntil(s);
    const spec = this.#spec(s);
    let wakeAt: number | null = null;
    if (paused === 'resume') {
      // Paused until resumed: nothing is due, no timer at all.
    } else if (paused !== null) {
      const end = Date.parse(paused);
      this.#nextRun = nextRuns(spec, new Date(Math.max(now, end)), 1)[0]?.getTime() ?? null;
      wakeAt = end;
    } else {
      const next = nextRuns(spec, new Date(now), 1)[0];
      if (next) {
        this.#nextRun = this.#due = next.getTime();
        wakeAt = this.#due;
      }
    }
    if (wakeAt !== null) {
      const delay = Math.max(0, Math.min(wakeAt - now, WAKE_CHUNK_MS));
      this.#scheduleTimer = this.#clock.setTimeout(() => this.#onWake(), delay);
    }
  }

  #onWake(): void {
    this.#scheduleTimer = null;
    const now = this.#clock.now();
    const s = this.#settings();
    if (s.pausedUntil !== null && s.pausedUntil !== 'resume' && this.#pausedUntil(s) === null) {
      // The pause ended by itself: clear it, then arm the schedule and report the new state.
      this.#safely(() => this.#o.settings.setPause(null));
      this.#arm();
      this.#emitState();
      return;
    }
    const due = this.#due;
    if (due !== null && now >= due) this.#tick(now - due > LATE_MS);
    this.#arm();
    this.#emitState();
  }

  #tick(late: boolean): void {
    if (this.#running) {
      const at = this.#iso();
      const entry: HistoryEntry = {
        trigger: 'scheduled', result: 'skipped', startedAt: at, finishedAt: at,
        error: { kind: 'already-running', message: 'A backup was already running, so this scheduled one was skipped.' },
      };
      this.#o.history.record(entry).catch((e: Error) => this.#log('warn', `Could not record the skipped run (${e.message}).`));
      this.#events.emit('run-finished', { entry, retryAt: null, attempt: 0 });
      return;
    }
    if (late) {
      // The process slept through the fire time without a resume event: that is a catch-up.
      this.checkCatchUp();
      return;
    }
    this.backupNow('scheduled');
  }

  // --- helpers ------------------------------------------------------------------------------

  #settings(): Settings {
    return this.#o.settings.get();
  }

  #spec(s: Settings): ScheduleSpec {
    return this.#o.scheduleOverride ?? s.schedule;
  }

  /** The active pause (ISO or 'resume'), or null when not paused or the pause has ended. */
  #pausedUntil(s: Settings): string | null {
    const p = s.pausedUntil;
    if (p === null || p === 'resume') return p;
    const end = Date.parse(p);
    return Number.isFinite(end) && end > this.#clock.now() ? p : null;
  }

  #emitState(): void {
    this.#state.push(this.getState(), true);
  }

  #iso(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #log(level: 'info' | 'warn', message: string): void {
    this.#o.log?.(level, message);
  }

  /** Run fn, logging (not throwing) its failure, also when it is a promise that rejects. */
  #safely(fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e: unknown) => this.#log('warn', (e as Error).message));
    } catch (e) {
      this.#log('warn', (e as Error).message);
    }
  }
}

/** The lock holder as the state shows it: the host only when it is another computer. */
function holderOf(o: { pid: number; since: string; host?: string }): WaitingInfo['heldBy'] {
  return { pid: o.pid, since: o.since, ...(o.host && o.host !== hostname() ? { host: o.host } : {}) };
}

function successOf(e: HistoryEntry): NonNullable<EngineState['lastSuccess']> {
  const s: NonNullable<EngineState['lastSuccess']> = { at: e.finishedAt };
  if (e.bytes !== undefined) s.bytes = e.bytes;
  if (e.backupId !== undefined) s.backupId = e.backupId;
  return s;
}
