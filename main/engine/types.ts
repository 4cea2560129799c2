// What the engine tells the world: its state (for the tray, the window, notifications) and
// its history records. Plain data, so it crosses IPC and JSON unchanged.
import type { Backup, BackupStatus } from '../api/wire.js';
import type { ApiErrorKind } from '../api/errors.js';
import type { TimeLeft } from '../shared/progress-eta.js';

/** `owed`: the one backup made once PiecesOS answers again after an automatic one could not reach it (owed.ts). */
export type Trigger = 'manual' | 'scheduled' | 'catch-up' | 'owed' | 'retry' | 'restore';
/** What a run does: make a backup, or restore one over the local data (after a safety backup). */
export type RunKind = 'backup' | 'restore';
/** The step a restore run is on: the safety backup of the current data, then the restore itself. */
export type RestorePhase = 'safety-backup' | 'restore';
/** `interrupted`: found unfinished at a later start (the process was ended during the run; see interrupted.ts). */
export type RunResult = 'completed' | 'failed' | 'canceled' | 'skipped' | 'interrupted';

export interface RunError {
  kind: ApiErrorKind | 'already-running' | 'internal';
  message: string;
  /** A system error code or the server's own words: History's details and the log, not the sentence. */
  detail?: string;
}

/** One history record; times are ISO 8601. */
export interface HistoryEntry {
  trigger: Trigger;
  result: RunResult;
  startedAt: string;
  finishedAt: string;
  bytes?: number;
  backupId?: string;
  error?: RunError;
  /** Something worth knowing about a run that still counts as its result (e.g. retention skipped). */
  note?: string;
  /** A restore run (trigger 'restore'): `backupId` is the backup restored; this is the safety backup
   * made first (absent when none was made), and the step it failed or was canceled on. */
  safetyBackupId?: string;
  phase?: RestorePhase;
  /** The backups retention deleted after this backup (ids; absent when none). The details of
   * each are in retention-deletions.jsonl. */
  retentionDeleted?: string[];
}

export type EnginePhase = 'idle' | 'running' | 'paused' | 'offline' | 'error' | 'waiting';

/** Which front end holds the backup lock: the tray app (with its window), the headless daemon
 * (the background service), or the `pieces-backup` command. */
export type LockBy = 'app' | 'daemon' | 'cli';
/** What the holder of the backup lock is doing with it. */
export type LockWhat = 'backup' | 'restore' | 'prune';

/** Who holds the backup lock, as far as its lock file says: `by` and `what` are absent in locks
 * written by older versions, and when a newer version wrote a value this one does not know. */
export interface LockHolder {
  pid: number;
  /** When it took the lock (ISO). */
  since: string;
  /** Only when it is another computer. */
  host?: string;
  by?: LockBy;
  what?: LockWhat;
}

/** A backup that could not start because another Pieces Backup process holds the backup lock;
 * the engine tries again until the lock is free (or stale), then runs it. */
export interface WaitingInfo {
  /** What started the backup that waits. */
  trigger: Trigger;
  /** When it began to wait (ISO). */
  since: string;
  /** The process holding the lock, and when it took it (ISO). */
  heldBy: LockHolder;
}

/** A backup or restore running in PiecesOS that another client started, and how far it is (what the live watch says). */
export interface ExternalRunSeen {
  kind: RunKind;
  percentage: number | null;
}

/** Another client's run as the engine carries it: what the watch says, and what the engine measured. */
export interface ExternalRun extends ExternalRunSeen {
  /** When this app first saw the run (ISO 8601). The watch does not say when it started, so this
   * is never its start: it may have run for a while before (or before this app was running). */
  seenSince?: string;
  /** About how long it has left, from the percentages seen (as for our own runs); absent until
   * it is far enough along. */
  timeLeft?: TimeLeft;
}

export interface EngineState {
  phase: EnginePhase;
  /** While running: what started it and the latest progress. */
  running: {
    trigger: Trigger;
    startedAt: string;
    status: BackupStatus;
    percentage: number | null;
    /** Absent means 'backup' (older states). */
    kind?: RunKind;
    /** A restore run: the step it is on, and the backup being restored. */
    phase?: RestorePhase;
    restoring?: { id: string; deviceName: string; created: string; bytes: number };
    /** About how long the current step has left, measured from its pace (see progress-eta.ts);
     * absent until it is 10 % along, and after the percentage went backwards. */
    timeLeft?: TimeLeft;
  } | null;
  /** Automatic backups paused until (ISO time), 'resume' for until resumed, or null. */
  pausedUntil: string | null;
  /** The last error, cleared by the next success. */
  lastError: RunError | null;
  lastSuccess: { at: string; bytes?: number; backupId?: string } | null;
  /** Next scheduled run (ISO), null when off or paused indefinitely. */
  nextRun: string | null;
  /** A retry waiting to happen (ISO), with its attempt number (1 for the first retry, so the
   * second attempt) and how many attempts there are in all (the first one plus maxRetries). */
  retry: { at: string; attempt: number; attempts?: number } | null;
  /** Set while a backup waits for another process's backup (phase `waiting`); absent or null otherwise. */
  waiting?: WaitingInfo | null;
  /** PiecesOS runs a backup or restore another client started (e.g. Pieces Desktop), from the live
   * watch; null when none (or while this app runs its own). */
  external?: ExternalRun | null;
  /** An automatic backup could not run (PiecesOS away or signed out): one backup runs once PiecesOS answers. */
  owed?: { since: string } | null;
  /** No successful backup for too long (see overdue.ts): since the last one (or the schedule's start), whole days. */
  overdue?: { since: string; days: number } | null;
}

/** Where the app's PiecesOS is and how it was found. */
export interface ConnectionInfo {
  url: string | null;
  source: 'setting' | 'env' | 'discovered' | 'emulator' | 'none';
  version: string | null;
  reachable: boolean;
}

export type { Backup };
