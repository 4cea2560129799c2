// Runs that never finished: a shutdown, a log-out or a crash can end the process in the middle of
// a backup with no history entry (Windows does not even emit Electron's `before-quit` then). While
// a run goes on, a marker file in the settings folder names it; the run's end removes it. A marker
// found at the next start whose process is gone is recorded as an `interrupted` run. It is never
// a success, so the engine's catch-up (which counts from the last completed backup) treats the
// scheduled time it was made for as missed.
import { readFile, rename, stat, unlink, writeFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry, Trigger } from './types.js';
import type { HistoryStore } from './history.js';
import { withFileLock } from './file-lock.js';
import { isSameProcess, processStartOf } from './process-identity.js';
import { LOCK_FILE, STALE_AFTER_MS } from './run-lock.js';

export const RUN_MARKER_FILE = 'run-in-progress.json';
export const INTERRUPTED_NOTE = 'Pieces Backup was ended during this run (a shutdown, a log-out or a crash), so it did not finish.';

export interface RunMarker {
  trigger: Trigger;
  startedAt: string;
  pid: number;
  host: string;
  /** The process's start time where the OS tells (Linux), so a reused pid is not taken for it. */
  start?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readMarker(path: string): Promise<RunMarker | null | 'corrupt'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as RunMarker;
    return typeof m?.pid === 'number' && typeof m.startedAt === 'string' && typeof m.trigger === 'string' ? m : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

/** The backup lock's heartbeat (its mtime), when the lock file is there. */
async function lockBeat(configDir: string): Promise<number | null> {
  try {
    return (await stat(join(configDir, LOCK_FILE))).mtimeMs;
  } catch {
    return null;
  }
}

/** Whether the marker's run may still be going on in another process. */
async function mayStillRun(configDir: string, m: RunMarker, now: number): Promise<boolean> {
  if (m.host === hostname()) return alive(m.pid) && (await isSameProcess(m.pid, m.start));
  // Another computer sharing the folder: its run holds the backup lock and keeps it fresh.
  const beat = await lockBeat(configDir);
  return beat !== null && now - beat <= STALE_AFTER_MS;
}

export interface RunMarkers {
  /** A run began (it holds the backup lock): name it in the marker. */
  started(run: { trigger: Trigger; startedAt: string }): Promise<void>;
  /** A run's history entry is written: remove its marker (only ours, only that run's). */
  finished(run: { startedAt: string }): Promise<void>;
}

export function openRunMarkers(configDir: string): RunMarkers {
  const path = join(configDir, RUN_MARKER_FILE);
  const guard = `${path}.lock`;
  return {
    async started(run) {
      const start = await processStartOf(process.pid);
      const marker: RunMarker = { trigger: run.trigger, startedAt: run.startedAt, pid: process.pid, host: hostname(), ...(start ? { start } : {}) };
      await mkdir(configDir, { recursive: true });
      await withFileLock(guard, async () => {
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(marker), 'utf8');
        await rename(tmp, path);
      });
    },
    async finished(run) {
      await withFileLock(guard, async () => {
        const m = await readMarker(path);
        if (m && m !== 'corrupt' && m.pid === process.pid && m.host === hostname() && m.startedAt === run.startedAt) await unlink(path).catch(() => undefined);
      });
    },
  };
}

/**
 * At start-up: record the run a marker names as `interrupted` when its process is gone (once, even
 * if several processes start at the same time), and remove the marker. Returns what was recorded.
 */
export async function recordInterruptedRun(configDir: string, history: Pick<HistoryStore, 'record' | 'list'>, now: () => number = Date.now): Promise<HistoryEntry | null> {
  const path = join(configDir, RUN_MARKER_FILE);
  return withFileLock(`${path}.lock`, async () => {
    const m = await readMarker(path);
    if (m === null) return null;
    if (m === 'corrupt') {
      await unlink(path).catch(() => undefined);
      return null;
    }
    if (await mayStillRun(configDir, m, now())) return null;
    // The process may have died between writing its history entry and removing the marker.
    const recorded = (await history.list()).some((e) => e.startedAt === m.startedAt && e.trigger === m.trigger);
    let entry: HistoryEntry | null = null;
    if (!recorded) {
      // The last sign of life: the backup lock's heartbeat, when that lock was left behind too.
      const beat = await lockBeat(configDir);
      const started = Date.parse(m.startedAt);
      const end = beat !== null && Number.isFinite(started) && beat >= started ? new Date(beat).toISOString() : m.startedAt;
      entry = { trigger: m.trigger, result: 'interrupted', startedAt: m.startedAt, finishedAt: end, note: INTERRUPTED_NOTE };
      await history.record(entry);
    }
    await unlink(path).catch(() => undefined);
    return entry;
  });
}

/**
 * Keeps the marker in step with an engine's runs: written on `run-started`, removed after the run
 * is recorded (`run-finished` comes after the history write). Marker writes are queued in order.
 */
export function trackRunsForInterruption(
  engine: { on(event: 'run-started', l: (p: { trigger: Trigger; startedAt: string }) => void): () => void; on(event: 'run-finished', l: (p: { entry: HistoryEntry }) => void): () => void },
  configDir: string,
  log: (message: string) => void = () => {},
): () => void {
  const markers = openRunMarkers(configDir);
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, step: () => Promise<void>): void => {
    queue = queue.then(step).catch((e: unknown) => log(`Could not ${what} the run marker (${e instanceof Error ? e.message : String(e)}); an interruption of this run may go unrecorded.`));
  };
  const offs = [
    engine.on('run-started', (r) => enqueue('write', () => markers.started(r))),
    engine.on('run-finished', ({ entry }) => enqueue('remove', () => markers.finished(entry))),
  ];
  return () => offs.forEach((off) => off());
}

/** The run a live process is making now, as its marker names it (for `pieces-backup status`), or null. */
export async function runInProgress(configDir: string, now: number = Date.now()): Promise<RunMarker | null> {
  const m = await readMarker(join(configDir, RUN_MARKER_FILE));
  return m && m !== 'corrupt' && (await mayStillRun(configDir, m, now)) ? m : null;
}
