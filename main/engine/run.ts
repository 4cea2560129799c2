// How any run is carried, whatever it does (a backup, or a restore after its safety backup):
// one run at a time in this process, the cross-process backup lock first, progress into the
// engine's state, cancel through PiecesOS, one history record and the end reported once.
// What a run does is its plan (backup-run.ts, restore-run.ts); what the engine does around runs
// (schedule, retries, waiting for another process) stays in engine.ts.
import type { BackupsApi } from '../api/backups-api.js';
import { BackupsApiError, failureOf, isApiError } from '../api/errors.js';
import type { Backup, BackupProgress, BackupStatus } from '../api/wire.js';
import type { HistoryStore } from './history.js';
import type { EngineState, HistoryEntry, LockHolder, RestorePhase, RunKind, Trigger } from './types.js';
import { ProgressEta } from '../shared/progress-eta.js';

export type HeldLock = { release(): Promise<void> };
/** Who holds the backup lock, as the engine is told it (types.ts). */
export type LockOwner = LockHolder;
/** Takes the backup lock for a run of this kind (recorded in the lock for whoever finds it held). */
export type RunLockFn = (what: RunKind) => Promise<{ lock: HeldLock } | { heldBy: LockOwner }>;

/** How long a cancel waits for PiecesOS to confirm `creation/cancel` before closing the stream anyway. */
export const CANCEL_CONFIRM_MS = 5000;

export type RunningView = NonNullable<EngineState['running']>;

/** What a restore run knows of its backups, for the history, notices and the log. */
export interface RestoreDetails {
  target: Backup | null;
  safetyBackup: Backup | null;
  /** A canceled restore: whether PiecesOS confirmed the original data is back in place. */
  cancelConfirmed?: boolean;
}

/** One run in flight. */
export class Run {
  readonly startedAt: string;
  status: BackupStatus = 'INITIALIZED';
  percentage: number | null = null;
  /** A restore: the step it is on. */
  phase: RestorePhase | undefined;
  restore: RestoreDetails | null = null;
  /** It holds the backup lock and has been announced: only then is the engine `running`. */
  started = false;
  readonly abort = new AbortController();
  /** The backup PiecesOS is making for this run, once a progress value named it (for creation/cancel). */
  creating: string | null = null;
  /** Set by cancel(): the run ends `canceled` however its stream ends. */
  canceledBy: BackupsApiError | null = null;
  /** The no-progress limit for this run's streams, read once when it starts (ms). */
  noProgressMs: number | undefined;
  done!: Promise<HistoryEntry>;
  /** Resolves true once the run holds the lock and has started, false when it ended before that. */
  readonly began: Promise<boolean>;
  #began!: (started: boolean) => void;
  #onProgress: () => void = () => undefined;
  /** The pace of the current step, for the time left shown in the tray and the window. */
  readonly #eta = new ProgressEta();

  constructor(
    readonly kind: RunKind,
    readonly trigger: Trigger,
    private readonly now: () => string,
  ) {
    this.startedAt = now();
    this.began = new Promise((resolve) => (this.#began = resolve));
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** A progress value from PiecesOS: into the state (RESET starts over at 0). */
  readonly progress = (p: BackupProgress): void => {
    this.status = p.status;
    if (p.percentage !== null) this.percentage = Math.max(0, Math.min(100, p.percentage));
    if (p.status === 'RESET') this.percentage = 0;
    this.#eta.observe(Date.parse(this.now()), this.percentage);
    // Only a backup being made can be canceled by id; the backup a restore carries is the one restored.
    const named = p.backup?.id ?? p.backupId;
    if (named && p.status !== 'COMPLETED' && (this.kind === 'backup' || this.phase === 'safety-backup')) this.creating = named;
    this.#onProgress();
  };

  /** A restore moves to its next step, which starts from nothing. */
  step(phase: RestorePhase, target: Backup): void {
    this.phase = phase;
    this.status = 'INITIALIZED';
    this.percentage = null;
    this.creating = null;
    this.#eta.restart();
    this.restore = { safetyBackup: null, ...this.restore, target };
  }

  view(): RunningView {
    const target = this.restore?.target;
    const timeLeft = this.#eta.current();
    return {
      trigger: this.trigger,
      startedAt: this.startedAt,
      status: this.status,
      percentage: this.percentage,
      kind: this.kind,
      ...(this.phase ? { phase: this.phase } : {}),
      ...(target ? { restoring: { id: target.id, deviceName: target.deviceName, created: target.created, bytes: target.bytes } } : {}),
      ...(timeLeft ? { timeLeft } : {}),
    };
  }

  entry(result: HistoryEntry['result'], extra: Partial<HistoryEntry> = {}): HistoryEntry {
    return { trigger: this.trigger, result, startedAt: this.startedAt, finishedAt: this.now(), ...extra };
  }

  /** @internal the runner's hooks */
  wire(onProgress: () => void): void {
    this.#onProgress = onProgress;
  }
  /** @internal */
  markBegan(started: boolean): void {
    this.#began(started);
  }
}

/** How a run ended; `record: false` only for a backup that goes on waiting for the lock. */
export interface Ending {
  entry: HistoryEntry;
  /** What made it fail (for the retry decision), null otherwise. */
  failure: unknown;
  record: boolean;
}

/** What one kind of run does. */
export interface RunPlan {
  /** Set the run up as it is created (before anyone sees its state). */
  prepare?(run: Run): void;
  /** Another process holds the backup lock: a backup waits, a restore is refused. */
  lockHeld(run: Run, owner: LockOwner): Promise<Ending> | Ending;
  /** The work, with the lock held; resolves with the fields of the completed entry. */
  work(run: Run): Promise<Partial<HistoryEntry>>;
  /** Fields for a failed or canceled entry (they win over the defaults, e.g. a better sentence). */
  ended?(run: Run, e: unknown): Partial<HistoryEntry>;
}

export interface RunnerOptions {
  api: () => Promise<BackupsApi>;
  history: HistoryStore;
  runLock?: RunLockFn;
  now: () => string;
  log: (level: 'info' | 'warn', message: string) => void;
  /** The no-progress limit a run starting now gets (ms). */
  noProgressMs: () => number | undefined;
  /** The run holds the lock and begins: announce it. */
  onStarted(run: Run): void;
  /** A progress value moved the run's state. */
  onProgress(run: Run): void;
  /** The run is over (recorded unless `record` is false) and no longer current. */
  onFinished(run: Run, ending: Ending): void;
}

export class Runner {
  readonly #o: RunnerOptions;
  #current: Run | null = null;

  constructor(opts: RunnerOptions) {
    this.#o = opts;
  }

  /** The run in flight (from the moment it is asked for, before it holds the lock), or null. */
  get current(): Run | null {
    return this.#current;
  }

  /** Start a run unless one is in flight; decided synchronously, so a burst of starts makes one run. */
  start(kind: RunKind, trigger: Trigger, plan: RunPlan, held: HeldLock | null = null): Run | null {
    if (this.#current) return null;
    const run = new Run(kind, trigger, this.#o.now);
    run.wire(() => this.#o.onProgress(run));
    plan.prepare?.(run);
    this.#current = run;
    run.done = this.#carry(run, plan, held);
    return run;
  }

  /**
   * Cancel the run in flight. A backup PiecesOS has named is canceled through `creation/cancel`
   * first and its stream closed once PiecesOS answered (or after CANCEL_CONFIRM_MS); otherwise
   * the stream is closed at once (a restore's client sends `restoration/cancel` as it closes).
   * `now`: close at once whatever is known (Pieces Backup is stopping). False when nothing runs.
   */
  cancel(reason: BackupsApiError, opts: { now?: boolean } = {}): boolean {
    const run = this.#current;
    if (!run) return false;
    run.canceledBy ??= reason;
    const id = run.started ? run.creating : null;
    if (id === null) {
      run.abort.abort(reason);
      return true;
    }
    const confirm = this.#o.api().then((api) => api.cancelCreation(id, { signal: AbortSignal.timeout(CANCEL_CONFIRM_MS) }));
    confirm.catch((e: unknown) => this.#o.log('warn', `PiecesOS did not confirm canceling backup ${id} (${failureOf(e).message}); the stream was closed instead.`));
    if (opts.now) run.abort.abort(reason);
    else void confirm.finally(() => run.abort.abort(reason)).catch(() => undefined);
    return true;
  }

  async #carry(run: Run, plan: RunPlan, held: HeldLock | null): Promise<HistoryEntry> {
    await Promise.resolve(); // let start() return before any work (and any event) happens
    let lock = held;
    let ending: Ending;
    try {
      // The lock comes first, so a run that must wait or is refused is never announced as started.
      if (!lock && this.#o.runLock) {
        const got = await this.#o.runLock(run.kind);
        if ('heldBy' in got) return await this.#end(run, await plan.lockHeld(run, got.heldBy));
        lock = got.lock;
      }
      if (run.canceledBy) throw run.canceledBy;
      run.noProgressMs = this.#o.noProgressMs();
      run.started = true;
      run.markBegan(true);
      this.#o.onStarted(run);
      ending = { entry: run.entry('completed', await plan.work(run)), failure: null, record: true };
    } catch (e) {
      ending = this.#failed(run, plan, e);
    } finally {
      await lock?.release().catch(() => undefined);
    }
    return this.#end(run, ending);
  }

  #failed(run: Run, plan: RunPlan, e: unknown): Ending {
    const own = plan.ended?.(run, e) ?? {};
    if (run.canceledBy || run.signal.aborted) {
      const reason: unknown = run.canceledBy ?? run.signal.reason;
      const message = isApiError(reason) ? reason.message : `The ${run.kind} was canceled.`;
      return { entry: run.entry('canceled', { error: { kind: 'canceled', message }, ...own }), failure: null, record: true };
    }
    return { entry: run.entry('failed', { error: failureOf(e), ...own }), failure: e, record: true };
  }

  async #end(run: Run, ending: Ending): Promise<HistoryEntry> {
    if (ending.record) {
      try {
        await this.#o.history.record(ending.entry);
      } catch (e) {
        this.#o.log('warn', `Could not record the run in the history (${(e as Error).message}).`);
      }
    }
    if (this.#current === run) this.#current = null;
    run.markBegan(false); // no-op once it began
    this.#o.onFinished(run, ending);
    return ending.entry;
  }
}
