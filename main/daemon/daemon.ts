// The headless daemon: the engine without Electron, until the signal aborts (the CLI wires SIGINT
// and SIGTERM to it). One line per event: human text, or JSON lines with `json`.
import { createAppCore } from '../core/app-core.js';
import { describeSchedule, validateSchedule } from '../engine/schedule.js';
import type { EngineState, HistoryEntry } from '../engine/types.js';
import { WAIT_POLL_MS } from '../engine/engine.js';
import { waitingLine } from '../shared/waiting-text.js';
import type { ScheduleSpec } from '../settings/schema.js';
import { asSentence, formatBytes, formatLocalDateTime } from '../shared/format.js';
import { safeJson, visible } from '../shared/terminal-text.js';
import { openFileLog } from '../shared/file-log.js';

/** Local time for people reading the log; JSON lines keep ISO 8601 for machines. */
const local = (iso: string) => formatLocalDateTime(iso);

type Running = NonNullable<EngineState['running']>;

/** The progress line of a run: a restore names its step and the backup it restores. */
export function progressText(r: Running, pct: number): string {
  if (r.kind !== 'restore') return `Backing up (${r.trigger}): ${Math.round(pct)}%`;
  const what = r.restoring ? `backup ${r.restoring.id} (${r.restoring.deviceName}, ${local(r.restoring.created)})` : 'a backup';
  return r.phase === 'safety-backup' ? `Making a safety backup before restoring ${what}: ${Math.round(pct)}%` : `Restoring ${what}: ${Math.round(pct)}%`;
}

/** The line for a finished run (a retry, when one is scheduled, follows as its own sentence). */
export function runText(entry: HistoryEntry, retryAt: string | null): string {
  if (entry.trigger === 'restore') {
    const what = `Restore of backup ${entry.backupId ?? '(unknown)'}`;
    if (entry.result === 'completed') {
      const safety = entry.safetyBackupId ? `the data it replaced is in safety backup ${entry.safetyBackupId}` : 'no safety backup was made';
      return `${what} completed (${formatBytes(entry.bytes)}); ${safety}.`;
    }
    const step = entry.phase === 'safety-backup' ? ' during the safety backup' : '';
    return `${asSentence(`${what} ${entry.result}${step}${entry.error ? `: ${entry.error.message}` : ''}`)}${codeOf(entry)}`;
  }
  const what = `${entry.trigger[0]?.toUpperCase() ?? ''}${entry.trigger.slice(1)} backup ${entry.result}`;
  const detail = entry.error ? `: ${entry.error.message}` : entry.backupId ? ` (${entry.backupId}, ${formatBytes(entry.bytes)})` : '';
  // The message usually ends a sentence already ("…try again later."): the retry is the next one.
  return `${asSentence(what + detail)}${codeOf(entry)}${retryAt ? ` Retrying at ${local(retryAt)}.` : ''}`;
}

/** " [ECONNREFUSED]": what the sentence leaves out for people (a code, the server's words) belongs in the log. */
function codeOf(entry: HistoryEntry): string {
  return entry.error?.detail ? ` [${entry.error.detail}]` : '';
}

export interface DaemonOptions {
  configDir: string;
  url?: string | null;
  json: boolean;
  /** A cron expression that replaces the saved schedule for this run only. */
  schedule?: string;
  out?: (line: string) => void;
  signal?: AbortSignal;
  /** Request timeout and the longest silence allowed in a stream (ms); the app's defaults when absent. */
  timeoutMs?: number;
  /** Minutes without progress before a backup is judged stalled; the saved setting when absent. */
  stallMinutes?: number;
}

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const print = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  // Every line also goes to <settings folder>/daemon.log (capped, rotated), read when nobody watched.
  const fileLog = openFileLog(opts.configDir, 'daemon.log');
  const out = (line: string): void => { print(line); fileLog.write(line); };
  const emit = (event: string, text: string, data: Record<string, unknown> = {}) => {
    const now = new Date().toISOString();
    // Log text carries server strings (device names, error messages): never raw to a terminal.
    out(opts.json ? safeJson({ time: now, event, ...data, message: text }) : `${formatLocalDateTime(now, { seconds: true })} ${visible(text)}`);
  };
  // SIGTERM must end the daemon promptly whatever it is waiting on: every start-up step is raced
  // against the signal, and nothing at start waits on PiecesOS without the engine's abort.
  const stopped = new Promise<'stopped'>((resolve) => {
    if (!opts.signal) return; // runs until the process ends
    if (opts.signal.aborted) return resolve('stopped');
    opts.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });

  let override: ScheduleSpec | undefined;
  if (opts.schedule !== undefined) {
    override = { kind: 'custom', cron: opts.schedule };
    const v = validateSchedule(override);
    if (!v.ok) {
      emit('error', v.message, { kind: 'usage' });
      return 2;
    }
  }

  let core;
  try {
    core = await createAppCore({
      configDir: opts.configDir,
      frontEnd: 'daemon',
      url: opts.url ?? null,
      ...(override ? { scheduleOverride: override } : {}),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs, stallTimeoutMs: opts.timeoutMs }),
      ...(opts.stallMinutes === undefined ? {} : { stallMinutes: opts.stallMinutes }),
      log: (level, message) => emit(level === 'warn' ? 'warning' : 'info', message),
    });
  } catch (e) {
    emit('error', `The daemon could not start: ${(e as Error).message}`, { kind: 'internal' });
    return 1;
  }

  let lastPhase: EngineState['phase'] | null = null;
  let lastPct = -10;
  let lastStep = '';
  let lastHolder = '';
  core.on('event:state', (s) => {
    if (s.phase === 'running' && s.running) {
      const r = s.running;
      const pct = r.percentage ?? 0;
      // One line per 10 % of each step (a restore's safety backup, then the restore), not per value.
      const step = `${r.kind ?? 'backup'}:${r.phase ?? ''}:${r.restoring?.id ?? ''}`;
      if (lastPhase !== 'running' || step !== lastStep || pct >= lastPct + 10 || pct < lastPct) {
        lastPct = pct;
        lastStep = step;
        const data = r.kind === 'restore' ? { kind: r.kind, step: r.phase, backupId: r.restoring?.id } : {};
        emit('progress', progressText(r, pct), { trigger: r.trigger, percentage: pct, ...data });
      }
    } else if (s.phase === 'waiting' && s.waiting) {
      // Once per wait (and when another process takes the lock over), not once per attempt.
      const holder = JSON.stringify(s.waiting.heldBy);
      if (lastPhase !== 'waiting' || holder !== lastHolder) {
        emit('waiting', `${waitingLine(s.waiting, new Date(), { pid: true })} to finish; trying again every ${WAIT_POLL_MS / 1000} s.`, { phase: s.phase, waiting: s.waiting });
      }
      lastHolder = holder;
    } else if (s.phase !== lastPhase) {
      emit('state', `State: ${s.phase}${s.nextRun ? `; next backup ${local(s.nextRun)}` : ''}`, { phase: s.phase, nextRun: s.nextRun });
      lastPct = -10;
    }
    lastPhase = s.phase;
  });
  core.engine.on('run-finished', ({ entry, retryAt }) => emit('run', runText(entry, retryAt), { entry, retryAt }));
  core.engine.on('catch-up', ({ missed }) => emit('catch-up', `Catching up the backup missed at ${local(missed)}`, { missed }));
  core.engine.on('retention', ({ deleted, failed }) =>
    emit('retention', `Retention deleted ${deleted.length} backup(s)${failed.length ? `, ${failed.length} could not be deleted` : ''}`, { deleted: deleted.map((b) => b.id), failed }),
  );
  core.onNotice((n) => emit('notice', `${n.title}: ${n.body}`, { kind: n.kind }));
  // The saved schedule may change while the daemon runs (the window, `pieces-backup settings set`):
  // say so, with the next run the engine re-armed for (after every settings listener has run).
  let schedule = JSON.stringify(core.current().settings.schedule);
  core.on('event:settings', (s) => {
    if (override || JSON.stringify(s.schedule) === schedule) return;
    schedule = JSON.stringify(s.schedule);
    queueMicrotask(() => {
      const next = core.engine.getState().nextRun;
      emit('schedule', `Schedule changed: ${describeSchedule(s.schedule)}${next ? `; next backup ${local(next)}` : ''}.`, { schedule: s.schedule, nextRun: next });
    });
  });

  // The saved schedule is local: no request (a list or a snapshot) that SIGTERM would wait on.
  const spec = override ?? core.current().settings.schedule;
  emit('start', `Pieces Backup daemon started (config ${opts.configDir}; schedule: ${describeSchedule(spec)}).`, { configDir: opts.configDir });

  // The engine's timers are unref'd (they never hold a CLI open); the daemon itself must stay up.
  // This interval wakes only every ~12 days.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const started = await Promise.race([core.start().then(() => 'started' as const), stopped]).catch((e: unknown) => e);
  if (started !== 'started' && started !== 'stopped') {
    clearInterval(keepAlive);
    emit('error', `The daemon could not start: ${(started as Error).message}`, { kind: 'internal' });
    await core.stop();
    return 1;
  }
  await stopped;
  clearInterval(keepAlive);
  emit('stop', 'Stopping: canceling any backup in flight.');
  await core.stop();
  emit('stopped', 'Pieces Backup daemon stopped.');
  return 0;
}
