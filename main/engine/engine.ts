// The backup engine: backups one at a time, on a schedule, with catch-up after missed runs,
// retries with backoff, pause, and retention after success; restores on request; it reports typed
// state and records every run in the shared history. Electron-free: the tray app, the daemon and
// tests all use it. Its parts: how any run is carried (run.ts), what a backup run and a restore run
// do (backup-run.ts, restore-run.ts), waiting for another process's backup (lock-wait.ts); this
// file decides when runs happen.
//
// Timing: one timer at a time for the schedule, armed through the injectable Clock for the next
// fire time computed by schedule.ts (node-cron's parser and matcher). Long waits are cut into
// chunks of at most 10 minutes so a wall-clock change is noticed without polling: idle wakes at
// most once per 10 minutes. After sleep, `systemResumed()` recomputes and checks catch-up.
import type { BackupsApi } from '../api/backups-api.js';
import { BackupsApiError, TRANSPORT_KINDS, isApiError } from '../api/errors.js';
import type { Backup } from '../api/wire.js';
import type { RetentionPolicy, ScheduleSpec, Settings } from '../settings/schema.js';
import type { SettingsStore } from '../settings/store.js';
import type { DeletionRecord, HistoryStore } from './history.js';
import type { EngineState, ExternalRun, ExternalRunSeen, HistoryEntry, RunError, RunKind, Trigger, WaitingInfo } from './types.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { createCoalescer, type Coalescer } from './coalesce.js';
import { Emitter } from './emitter.js';
import { nextRuns, previousFireTime } from './schedule.js';
import { planPrune, type PrunePlan } from './prune.js';
import type { DeviceIdentityStore } from './device-identity.js';
import { Runner, type Ending, type HeldLock, type RestoreDetails, type Run, type RunLockFn, type RunPlan } from './run.js';
import { LockWait, WAIT_NOTICE_MS, WAIT_POLL_MS } from './lock-wait.js';
import { FINISHED_ANYWAY, UNNAMED_BACKUP, afterBackup, finishedAnyway, makeBackup, maybeMade, type MaybeMade } from './backup-run.js';
import { restorePlan } from './restore-run.js';
import { holderIsRunning } from '../shared/waiting-text.js';
import { OwedWatch, owedFromHistory, owesBackup, piecesOsAnswers } from './owed.js';
import { nextOverdueChange, overdueOf } from './overdue.js';
import { pauseUntilValue, type PauseFor } from './pause-until.js';
import { ProgressEta } from '../shared/progress-eta.js';

export { UNNAMED_BACKUP, WAIT_NOTICE_MS, WAIT_POLL_MS, type RunLockFn };

export const WAKE_CHUNK_MS = 10 * 60_000;
/** A scheduled wake this late means the process slept through the fire time: it is a catch-up. */
const LATE_MS = 2 * 60_000;
const STOP_GRACE_MS = 4000;
/** The list asked for beside each create (to tell later whether a dropped backup was made) gives up after this. */
const BEFORE_LIST_MS = 10_000;

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
  /** Does PiecesOS answer now (an owed backup waits for this)? Default: its health check, then the list. */
  available?: () => Promise<boolean>;
}

export interface RunFinished {
  entry: HistoryEntry;
  /** A retry is scheduled at this ISO time. */
  retryAt: string | null;
  /** How many times it has been retried so far (0 for a first attempt). */
  attempt: number;
  /** A restore run (trigger 'restore'): the backups it dealt with, as far as they are known. */
  restore?: RestoreDetails;
}

export interface EngineEvents {
  state: EngineState;
  'run-started': { trigger: Trigger; startedAt: string; kind: RunKind };
  'run-finished': RunFinished;
  retention: { deleted: Backup[]; failed: Array<{ id: string; error: RunError }> };
  backups: Backup[];
  'catch-up': { missed: string };
  /** An automatic backup has waited over an hour for another process's backup (once per wait). */
  'waiting-long': WaitingInfo;
}

export type BackupNowResult = { started: true; done: Promise<HistoryEntry> } | { started: false; reason: 'already-running' };
/** A restore started (it holds the backup lock), or why not: a run in flight here, or another
 * process's lock (`message` names it; a restore never waits), or the lock could not be read. */
export type RestoreStart =
  | { started: true; done: Promise<HistoryEntry> }
  | { started: false; reason: 'already-running' | 'lock-error'; message: string };

/** Worth retrying: transport trouble, a server error, or PiecesOS busy (409: a backup it is
 * still finishing, e.g. after a stalled stream; 429: too many requests). */
export function isTransient(e: unknown): boolean {
  if (!isApiError(e)) return false;
  const status = e.status ?? 0;
  return TRANSPORT_KINDS.has(e.kind) || (e.kind === 'http' && (status >= 500 || status === 409 || status === 429));
}

export class BackupEngine {
  readonly #o: EngineOptions;
  readonly #clock: Clock;
  readonly #events = new Emitter<EngineEvents>();
  readonly #state: Coalescer<EngineState>;
  readonly #runs: Runner;
  readonly #wait: LockWait;
  #lastError: RunError | null = null;
  #lastSuccess: EngineState['lastSuccess'] = null;
  #retry: { at: number; attempt: number; timer: TimerHandle } | null = null;
  #retryChain = 0;
  /** The last backup run's stream stalled or dropped: what its retry asks PiecesOS before making another. */
  #maybeMade: MaybeMade | null = null;
  #scheduleTimer: TimerHandle | null = null;
  #due: number | null = null;
  #nextRun: number | null = null;
  #started = false;
  #stopping = false;
  #lastCatchUpFor: number | null = null;
  #unsubscribe: (() => void) | null = null;
  /** An automatic backup that came due while a restore ran: it runs when the restore ends. */
  #deferred: Trigger | null = null;
  /** A backup owed since an automatic one could not run (PiecesOS away, signed out); see owed.ts. */
  #owed: { since: string } | null = null;
  readonly #owedWatch: OwedWatch;
  /** A backup or restore another client (e.g. Pieces Desktop) runs in PiecesOS now, from the live watch. */
  #external: ExternalRun | null = null;
  /** The pace of that run, from the percentages the watch reports (the same measure as our own runs'). */
  readonly #externalEta = new ProgressEta();

  constructor(opts: EngineOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#state = createCoalescer((s) => this.#events.emit('state', s), { clock: this.#clock, intervalMs: opts.coalesceMs ?? 34 });
    this.#runs = new Runner({
      api: opts.api,
      history: opts.history,
      ...(opts.runLock ? { runLock: opts.runLock } : {}),
      now: () => this.#iso(),
      log: (level, message) => this.#log(level, message),
      // Read once per run: a change in Settings applies to the next run, not per value.
      noProgressMs: () => (this.#o.stallMinutesOverride ?? this.#settings().stallMinutes) * 60_000,
      onStarted: (run) => {
        if (run.kind === 'backup') this.#wait.end(); // the backup that waited is this one
        this.#events.emit('run-started', { trigger: run.trigger, startedAt: run.startedAt, kind: run.kind });
        this.#emitState();
      },
      onProgress: () => this.#state.push(this.getState()),
      onFinished: (run, ending) => this.#finished(run, ending),
    });
    this.#wait = new LockWait({
      clock: this.#clock,
      runLock: opts.runLock,
      log: (level, message) => this.#log(level, message),
      busy: () => this.#runs.current !== null || this.#external !== null,
      stopping: () => this.#stopping,
      run: (trigger, lock) => void this.#begin(trigger, lock), // its run ends the wait
      changed: () => this.#emitState(),
      long: (info) => this.#events.emit('waiting-long', info),
    });
    this.#owedWatch = new OwedWatch({
      clock: this.#clock,
      available: opts.available ?? (() => piecesOsAnswers(opts.api)),
      ready: () => this.#runOwed(),
    });
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
      // Restores are not backups: the last backup and its outcome come from backup runs only.
      const backups = history.filter((e) => e.trigger !== 'restore');
      const success = backups.find((e) => e.result === 'completed');
      if (success) this.#lastSuccess = successOf(success);
      const last = backups.find((e) => e.result !== 'skipped');
      if (last?.result === 'failed' && last.error) this.#lastError = last.error;
      this.#owed = owedFromHistory(history);
    } catch (e) {
      this.#log('warn', `Could not read the run history (${(e as Error).message}); starting without it.`);
    }
    const s = this.#settings();
    if (s.scheduleSetAt === null && !this.#o.settings.readOnly) this.#safely(() => this.#o.settings.setScheduleSetAt(this.#iso()));
    this.#unsubscribe = this.#o.settings.onChange((next, prev) => {
      if (JSON.stringify(next.schedule) !== JSON.stringify(prev.schedule) || next.pausedUntil !== prev.pausedUntil || next.catchUp !== prev.catchUp || next.overdueDays !== prev.overdueDays) {
        if (next.pausedUntil !== null) {
          this.#clearRetry();
          this.#wait.dropAutomatic();
          this.#deferred = null;
        }
        this.#arm();
      }
      this.#watchOwed();
      this.#emitState();
    });
    this.#arm();
    this.#emitState();
    this.checkCatchUp();
    this.#watchOwed();
  }

  /** Cancel a backup or restore in flight (it is recorded `canceled`) and clear every timer. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#started = false;
    this.#clock.clearTimeout(this.#scheduleTimer);
    this.#scheduleTimer = null;
    this.#clearRetry();
    this.#wait.end();
    this.#owedWatch.stop();
    this.#deferred = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    const running = this.#runs.current;
    if (running) {
      this.#runs.cancel(new BackupsApiError('canceled', `The ${running.kind} was canceled because Pieces Backup is stopping.`), { now: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([running.done.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
      clearTimeout(timer);
    }
    this.#state.flush();
    this.#state.dispose();
  }

  getState(): EngineState {
    const s = this.#settings();
    const r = this.#runs.current;
    const waiting = this.#wait.info();
    const paused = this.#pausedUntil(s);
    // `running` is set from the moment a backup is asked for; the phase is 'running' only once it
    // holds the backup lock, so one that ends up waiting for another process never shows (or is
    // logged) as backing up.
    const phase: EngineState['phase'] = r?.started ? 'running'
      : waiting ? 'waiting'
      : paused !== null ? 'paused'
      // Offline only when PiecesOS could not be reached at all: a stream that dropped or stalled
      // means it answered, and saying "not running" then would send the person to start it.
      : this.#lastError?.kind === 'unreachable' ? 'offline'
      : this.#lastError ? 'error'
      : 'idle';
    return {
      phase,
      running: r ? r.view() : null,
      pausedUntil: paused,
      lastError: this.#lastError,
      lastSuccess: this.#lastSuccess,
      nextRun: this.#nextRun === null ? null : new Date(this.#nextRun).toISOString(),
      retry: this.#retry ? { at: new Date(this.#retry.at).toISOString(), attempt: this.#retry.attempt, attempts: s.retries.maxRetries + 1 } : null,
      waiting,
      owed: this.#owed,
      external: this.#runs.current ? null : this.#external,
      overdue: overdueOf({
        now: this.#clock.now(),
        lastSuccessAt: this.#lastSuccess?.at ?? null,
        scheduleSetAt: s.scheduleSetAt,
        spec: this.#spec(s),
        overdueDays: s.overdueDays,
      }),
    };
  }

  /** Start a backup unless one is running. Decided synchronously, so a burst of starts makes one backup. */
  backupNow(trigger: Trigger = 'manual'): BackupNowResult {
    return this.#begin(trigger, null);
  }

  /**
   * PiecesOS runs a backup or restore that another client started (null: none any more). Meanwhile
   * no backup starts here (PiecesOS does one at a time); an automatic one that comes due runs once
   * it is over. The engine notes when it first saw the run (the watch does not say when it
   * started) and estimates its time left from the percentages; another kind, or a run after none,
   * is a new run measured from nothing.
   */
  setExternalRun(info: ExternalRunSeen | null): void {
    const before = this.#external;
    const ended = before !== null && info === null;
    if (info === null) this.#external = null;
    else {
      const now = this.#clock.now();
      const same = before !== null && before.kind === info.kind;
      if (!same) this.#externalEta.restart();
      this.#externalEta.observe(now, info.percentage);
      const timeLeft = this.#externalEta.current();
      const seenSince = same && before.seenSince ? before.seenSince : new Date(now).toISOString();
      this.#external = { kind: info.kind, percentage: info.percentage, seenSince, ...(timeLeft ? { timeLeft } : {}) };
    }
    this.#emitState();
    if (!ended || this.#runs.current || this.#stopping || !this.#started) return;
    const deferred = this.#deferred;
    this.#deferred = null;
    if (deferred && this.#pausedUntil(this.#settings()) === null) this.backupNow(deferred);
  }

  /** backupNow, with the backup lock already taken when a wait for it has just ended. */
  #begin(trigger: Trigger, held: HeldLock | null): BackupNowResult {
    if (this.#runs.current || this.#external) {
      if (held) void held.release().catch(() => undefined);
      // Another client's run in PiecesOS: an automatic backup (or one that waited for the lock) runs once it is over.
      if (!this.#runs.current && (trigger !== 'manual' || held)) {
        this.#deferred ??= trigger;
        if (held) this.#wait.end();
      }
      return { started: false, reason: 'already-running' };
    }
    if (trigger !== 'retry') {
      this.#clearRetry();
      this.#retryChain = 0;
    }
    const run = this.#runs.start('backup', trigger, this.#backupPlan(), held)!;
    return { started: true, done: run.done };
  }

  /**
   * Restore backup `id` over this computer's Pieces data, after a safety backup of the current
   * data (`safetyBackup`; default the `safetyBackupBeforeRestore` setting). A run like a backup:
   * refused while a backup, retention or restore runs here or in another process (it never waits:
   * the person asked for it now); resolves once it holds the backup lock, or with why not.
   */
  async restore(id: string, opts: { safetyBackup?: boolean } = {}): Promise<RestoreStart> {
    const safetyBackup = opts.safetyBackup ?? this.#settings().safetyBackupBeforeRestore;
    const plan = restorePlan({ api: this.#o.api, identity: this.#o.identity, backupId: id, safetyBackup, stepped: () => this.#emitState(), now: () => new Date(this.#clock.now()) });
    const busy = this.#runs.current;
    const run = busy ? null : this.#runs.start('restore', 'restore', plan);
    if (!run) return { started: false, reason: 'already-running', message: `A ${busy?.kind ?? 'backup'} is running; wait for it to finish, then restore.` };
    if (await run.began) return { started: true, done: run.done };
    const entry = await run.done;
    const message = entry.error?.message ?? 'The restore did not start.';
    return { started: false, reason: entry.error?.kind === 'already-running' ? 'already-running' : 'lock-error', message };
  }

  /** A list call just succeeded: PiecesOS answers and the person is signed in, so a "not signed
   * in" from the last run is no longer true and stops being shown (the run stays in the history). */
  listSucceeded(): void {
    if (this.#lastError?.kind !== 'not-signed-in') return;
    this.#lastError = null;
    this.#emitState();
  }

  /** Cancel the backup or restore in flight, through PiecesOS; false when none runs. */
  cancel(): boolean {
    const run = this.#runs.current;
    if (!run) return false;
    const what = run.kind === 'restore' ? 'The restore was canceled.' : 'The backup was canceled.';
    return this.#runs.cancel(new BackupsApiError('canceled', what));
  }

  /** Pause automatic backups (schedule, catch-up, retries). Manual backups still work. */
  async pause(until: PauseFor): Promise<EngineState> {
    const value = pauseUntilValue(until, this.#clock.now());
    this.#clearRetry();
    this.#wait.dropAutomatic();
    this.#deferred = null;
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
    if (!this.#started || this.#runs.current || this.#retry) return false;
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

  // --- runs ---------------------------------------------------------------------------------

  #backupPlan(): RunPlan {
    return {
      lockHeld: (run, owner) => {
        // Another process is backing up: wait for it, recorded once per wait.
        const first = this.#wait.begin(run.trigger, run.startedAt, owner);
        const holder = holderIsRunning(this.#wait.info()!.heldBy, new Date(this.#clock.now()));
        const entry = run.entry('skipped', {
          error: { kind: 'already-running', message: `${holder}, so this ${run.trigger} backup waits for it and runs when it is done.` },
        });
        return { entry, failure: null, record: first };
      },
      work: async (run) => {
        const api = await this.#o.api();
        // A retry first asks whether the attempt before it, whose stream stalled or dropped, was
        // made after all (PiecesOS may have gone on): then it is recorded, not made twice.
        const earlier = run.trigger === 'retry' ? this.#maybeMade : null;
        this.#maybeMade = null;
        let made: Backup | null = earlier ? await finishedAnyway(api, run, earlier, this.#o.identity) : null;
        let note = made ? FINISHED_ANYWAY : undefined;
        if (!made) {
          // What existed before, asked alongside the create (never delaying it): if the stream drops
          // and PiecesOS never named the backup, a new one in the list tells that it was made anyway.
          const before = api.list({ signal: AbortSignal.any([run.signal, AbortSignal.timeout(BEFORE_LIST_MS)]) }).then((l) => new Set(l.map((b) => b.id)), () => null);
          try {
            made = await makeBackup(api, run, this.#o.identity);
          } catch (e) {
            const m = maybeMade(run, e, null);
            if (m) m.before = await before;
            const anyway = m ? await finishedAnyway(api, run, m, this.#o.identity) : null;
            if (!anyway) {
              this.#maybeMade = m;
              throw e;
            }
            made = anyway;
            note = FINISHED_ANYWAY;
          }
        }
        if (note) {
          this.#log('info', `The backup's stream ended early, but PiecesOS finished backup ${made!.id}; it was recorded as made, not made again.`);
          run.status = 'COMPLETED';
          run.percentage = 100;
          run.creating = null;
        }
        const fields: Partial<HistoryEntry> = made ? { bytes: made.bytes, backupId: made.id, ...(note ? { note } : {}) } : { note: UNNAMED_BACKUP };
        const finishedAt = this.#iso(); // the backup's end, not retention's
        this.#lastSuccess = successOf({ ...fields, finishedAt });
        this.#lastError = null;
        this.#retryChain = 0;
        this.#owed = null;
        this.#owedWatch.stop();
        const removed = await this.#afterBackup(api, run, made);
        return { ...fields, finishedAt, ...(removed.length ? { retentionDeleted: removed } : {}) };
      },
    };
  }

  #afterBackup(api: BackupsApi, run: Run, made: Backup | null): Promise<string[]> {
    return afterBackup(api, made, {
      policy: this.#settings().retention,
      identity: this.#o.identity,
      now: () => new Date(this.#clock.now()),
      signal: run.signal,
      ...(this.#o.deletions ? { deletions: this.#o.deletions } : {}),
      log: (level, message) => this.#log(level, message),
      onRetention: (outcome) => this.#events.emit('retention', outcome),
      onBackups: (list) => this.#events.emit('backups', list),
    });
  }

  /** A run is over: tell the world, and decide what comes next (a retry, a deferred backup). */
  #finished(run: Run, ending: Ending): void {
    const { entry, failure } = ending;
    if (!ending.record) {
      this.#emitState(); // a backup that goes on waiting for the lock
      return;
    }
    if (run.kind === 'restore') {
      this.#events.emit('run-finished', { entry, retryAt: null, attempt: 0, ...(run.restore ? { restore: run.restore } : {}) });
      this.#emitState();
      this.#afterRestore(run);
      return;
    }
    if (entry.result === 'failed') this.#lastError = entry.error ?? null;
    const attempt = run.trigger === 'retry' ? this.#retryChain : 0;
    const retryAt = entry.result === 'failed' ? this.#maybeRetry(failure) : null;
    if (retryAt === null && entry.result === 'failed' && !this.#stopping) {
      // No retry left: a backup that could not reach PiecesOS is owed until it can; one that
      // failed for another reason ran, so nothing is owed any more.
      if (owesBackup(entry)) this.#owed ??= { since: entry.finishedAt };
      else if (run.trigger !== 'manual') this.#owed = null;
    }
    this.#watchOwed();
    this.#events.emit('run-finished', { entry, retryAt: retryAt === null ? null : new Date(retryAt).toISOString(), attempt });
    this.#emitState();
  }

  // --- owed backup (PiecesOS away at the scheduled time) --------------------------------------

  /** Watch for PiecesOS while a backup is owed and nothing else will make it (a run, a retry, a pause). */
  #watchOwed(): void {
    const quiet = this.#started && !this.#stopping && this.#owed !== null && !this.#runs.current && !this.#retry && this.#pausedUntil(this.#settings()) === null;
    if (quiet) this.#owedWatch.start();
    else this.#owedWatch.stop();
  }

  /** PiecesOS answers again: the one owed backup, whatever was missed meanwhile. */
  #runOwed(): void {
    if (!this.#started || this.#stopping || this.#owed === null || this.#pausedUntil(this.#settings()) !== null) return;
    this.#log('info', 'PiecesOS is available again: making the backup that could not run.');
    // Its own trigger, so History and the notification give the real reason (PiecesOS was away),
    // not "missed while the computer was off or asleep".
    if (!this.#automatic('owed')) this.#watchOwed();
  }

  /** The window's list shows the safety backup; the schedule goes on, with a backup that came due meanwhile. */
  #afterRestore(run: Run): void {
    if (run.started) {
      void this.#o.api().then((api) => api.list()).then((list) => this.#events.emit('backups', list), () => undefined);
    }
    const deferred = this.#deferred;
    this.#deferred = null;
    if (this.#stopping || !this.#started) return;
    if (deferred && this.#pausedUntil(this.#settings()) === null) this.backupNow(deferred);
    else this.checkCatchUp();
  }

  /** An automatic backup is due: run it, or after the restore in flight. */
  #automatic(trigger: Trigger): boolean {
    if (this.#runs.current?.kind === 'restore') {
      this.#deferred ??= trigger;
      return true;
    }
    return this.backupNow(trigger).started;
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
      if (!this.#automatic('retry')) this.#retryChain = 0;
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
    if (paused !== 'resume') {
      // The same timer also wakes when "overdue" next changes (it begins, or its day count grows),
      // so the state says it without polling; paused until resumed, the paused state says it.
      const overdueAt = nextOverdueChange({ now, lastSuccessAt: this.#lastSuccess?.at ?? null, scheduleSetAt: s.scheduleSetAt, spec, overdueDays: s.overdueDays });
      if (overdueAt !== null && (wakeAt === null || overdueAt < wakeAt)) wakeAt = overdueAt;
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
    if (this.#runs.current?.kind === 'restore') {
      // No backup while a restore replaces the data; the one due now runs right after it.
      this.#automatic(late ? 'catch-up' : 'scheduled');
      return;
    }
    if (this.#runs.current) {
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

function successOf(e: Pick<HistoryEntry, 'finishedAt' | 'bytes' | 'backupId'>): NonNullable<EngineState['lastSuccess']> {
  const s: NonNullable<EngineState['lastSuccess']> = { at: e.finishedAt };
  if (e.bytes !== undefined) s.bytes = e.bytes;
  if (e.backupId !== undefined) s.backupId = e.backupId;
  return s;
}
