// `pieces-backup status`: what Pieces Backup is doing and how the backups stand, read from the
// shared settings folder (settings, history, the run marker beside the backup lock) without
// starting an engine, so it is the same answer whichever process (app, daemon, CLI) runs them;
// and whether PiecesOS answers now. A retry or a wait for the lock lives only in the memory of
// the process that plans it, so it is not shown here.
import type { CliIO, GlobalOptions } from '../context.js';
import { configDirOf, connect } from '../context.js';
import { probe } from '../../api/discovery.js';
import { liveRunsNow } from '../../api/live-runs-now.js';
import { openHistory } from '../../engine/history.js';
import { runInProgress, type RunMarker } from '../../engine/interrupted.js';
import { holderOf, liveLockHolder, type LockOwner } from '../../engine/run-lock.js';
import { owedFromHistory } from '../../engine/owed.js';
import { overdueOf } from '../../engine/overdue.js';
import { nextRuns } from '../../engine/schedule.js';
import { openSettings } from '../../settings/store.js';
import type { HistoryEntry, LockBy, LockHolder, LockWhat, Trigger } from '../../engine/types.js';
import { formatBytes } from '../../shared/format.js';
import { formatDateTimeIso } from '../../shared/time-format.js';
import { safeJson, visible } from '../../shared/terminal-text.js';
import { OWED_TEXT, overdueText } from '../../shared/owed-overdue-text.js';
import { describeHolder } from '../../shared/waiting-text.js';

export interface StatusJson {
  /** The one word for now: a run in flight wins, then a pause, then an owed backup, then overdue. */
  state: 'running' | 'paused' | 'owed' | 'overdue' | 'idle';
  /** A run in flight in any process on this folder (its progress is that process's to show), with
   * which front end runs it and what it does, when the backup lock says so. `trigger` as that run's
   * history entry will record it; absent when not known (a prune, or an older version's lock). */
  running: { trigger?: Trigger; startedAt: string; pid: number; host?: string; by?: LockBy; what?: LockWhat } | null;
  /** Automatic backups paused until this ISO time, 'resume' (until resumed), or null. */
  pausedUntil: string | null;
  owed: { since: string } | null;
  overdue: { since: string; days: number } | null;
  lastSuccess: { at: string; bytes?: number; backupId?: string } | null;
  /** The last failed backup since the last success, or null. */
  lastFailure: { at: string; trigger: Trigger; kind: string; message: string } | null;
  /** The next scheduled backup (ISO), null when the schedule is off or paused until resumed. */
  nextRun: string | null;
  /** `runs`: every backup and restore PiecesOS reports in progress now, whoever started it (its
   * live progress WebSocket, asked once); null when it did not say within a second. */
  piecesOs: { url: string | null; reachable: boolean; version: string | null; runs: LiveRunNow[] | null };
}

export interface LiveRunNow {
  kind: 'backup' | 'restore';
  status: string;
  percentage: number | null;
}

/** How long `status` waits for PiecesOS to say what it runs. */
const LIVE_RUNS_WAIT_MS = 1000;

/** The active pause, or null when none or it has ended. */
function activePause(p: string | null, now: number): string | null {
  if (p === null || p === 'resume') return p;
  return Date.parse(p) > now ? p : null;
}

function lastOutcomes(history: HistoryEntry[]): Pick<StatusJson, 'lastSuccess' | 'lastFailure'> {
  const backups = history.filter((e) => e.trigger !== 'restore');
  const success = backups.find((e) => e.result === 'completed') ?? null;
  const failure = backups.find((e) => e.result === 'failed' || e.result === 'completed');
  return {
    lastSuccess: success && { at: success.finishedAt, ...(success.bytes === undefined ? {} : { bytes: success.bytes }), ...(success.backupId === undefined ? {} : { backupId: success.backupId }) },
    lastFailure: failure && failure.result === 'failed'
      ? { at: failure.finishedAt, trigger: failure.trigger, kind: failure.error?.kind ?? 'internal', message: failure.error?.message ?? 'The backup failed.' }
      : null,
  };
}

export async function gatherStatus(io: CliIO, g: GlobalOptions, now = Date.now()): Promise<StatusJson> {
  const dir = configDirOf(g);
  const settingsStore = openSettings({ configDir: dir });
  const s = settingsStore.get();
  settingsStore.close();
  const history = await openHistory(dir).list();
  const marker = await runInProgress(dir, now);
  const { lastSuccess, lastFailure } = lastOutcomes(history);
  const pausedUntil = activePause(s.pausedUntil, now);
  const owed = owedFromHistory(history);
  const overdue = overdueOf({ now, lastSuccessAt: lastSuccess?.at ?? null, scheduleSetAt: s.scheduleSetAt, spec: s.schedule, overdueDays: s.overdueDays });
  const from = pausedUntil === null ? now : pausedUntil === 'resume' ? null : Date.parse(pausedUntil);
  const next = from === null ? undefined : nextRuns(s.schedule, new Date(from), 1)[0];
  let piecesOs: StatusJson['piecesOs'] = { url: g.url ?? s.piecesOsUrl, reachable: false, version: null, runs: null };
  try {
    const c = await connect(io, { ...g, timeout: Math.min(g.timeout, 2) });
    // An address given or saved is not probed by connect: ask its health check.
    const health = await probe(c.url, { timeoutMs: 2000 });
    const runs = health.ok ? await liveRunsNow(c.url, LIVE_RUNS_WAIT_MS) : null;
    piecesOs = { url: c.url, reachable: health.ok, version: health.version ?? c.version, runs: runs && runs.map(({ kind, status, percentage }) => ({ kind, status, percentage })) };
  } catch {
    // Not answering is an answer here, not an error.
  }
  // The app and the daemon name their run in a marker; a command's create, restore or prune only
  // holds the backup lock. Either is a run in flight.
  const lock = await liveLockHolder(dir, now).catch(() => null);
  const running = marker ? runningOf(marker, lock) : lock ? runningFromLock(lock) : null;
  const state: StatusJson['state'] = running ? 'running' : pausedUntil !== null ? 'paused' : owed ? 'owed' : overdue ? 'overdue' : 'idle';
  return { state, running, pausedUntil, owed, overdue, lastSuccess, lastFailure, nextRun: next ? next.toISOString() : null, piecesOs };
}

/** A run in flight as `status` shows it: its holder as the words show it (holderOf), and its trigger. */
function runningEntry(trigger: Trigger | undefined, holder: LockHolder): NonNullable<StatusJson['running']> {
  const { since, ...who } = holderOf(holder);
  return { ...(trigger ? { trigger } : {}), startedAt: since, ...who };
}

/** The marker's run, with who runs it and what from the backup lock its process holds. */
function runningOf(marker: RunMarker, lock: LockOwner | null): NonNullable<StatusJson['running']> {
  const mine = lock !== null && lock.pid === marker.pid && lock.host === marker.host ? lock : null;
  return runningEntry(marker.trigger, { ...(mine?.by ? { by: mine.by } : {}), ...(mine?.what ? { what: mine.what } : {}), pid: marker.pid, since: marker.startedAt, host: marker.host });
}

/** A run known only by the backup lock: the command's runs record their trigger by what they do
 * (`create` as manual, `restore` as restore); the app's and the daemon's name theirs in a marker,
 * which may not be written yet. */
function runningFromLock(lock: LockOwner): NonNullable<StatusJson['running']> {
  const trigger: Trigger | undefined = lock.by !== 'cli' ? undefined : lock.what === 'backup' ? 'manual' : lock.what === 'restore' ? 'restore' : undefined;
  return runningEntry(trigger, lock);
}

/** "Backing up now: 42 %", as PiecesOS reports it (whoever started the run). */
function liveRunText(run: LiveRunNow): string {
  const what = run.kind === 'backup' ? 'Backing up now' : 'Restoring now';
  return run.percentage === null ? what : `${what}: ${Math.round(run.percentage)} %`;
}

/** The state line, in the words the tray and the window use. */
function stateText(st: StatusJson): string {
  if (st.running) {
    const r = st.running;
    return `Running${r.trigger ? ` (${r.trigger})` : ''}: ${visible(describeHolder({ ...r, since: r.startedAt }, new Date(), { pid: true }))}`;
  }
  if (st.pausedUntil === 'resume') return 'Paused until resumed';
  if (st.pausedUntil !== null) return `Paused until ${formatDateTimeIso(st.pausedUntil)}`;
  if (st.owed) return OWED_TEXT;
  if (st.overdue) return overdueText(st.overdue.days);
  return 'Idle';
}

export async function statusCommand(io: CliIO, g: GlobalOptions): Promise<number> {
  const st = await gatherStatus(io, g);
  if (g.json) {
    io.out(safeJson(st) + '\n');
    return 0;
  }
  const lines: Array<[string, string]> = [['State', stateText(st)]];
  if (st.state !== 'owed' && st.owed) lines.push(['', OWED_TEXT]);
  if (st.state !== 'overdue' && st.overdue) lines.push(['', overdueText(st.overdue.days)]);
  lines.push(['Last backup', st.lastSuccess ? `${formatDateTimeIso(st.lastSuccess.at)}${st.lastSuccess.bytes === undefined ? '' : ` (${formatBytes(st.lastSuccess.bytes)})`}` : 'none yet']);
  if (st.lastFailure) lines.push(['Last failure', `${formatDateTimeIso(st.lastFailure.at)}: ${visible(st.lastFailure.message)}`]);
  lines.push(['Next backup', st.nextRun ? formatDateTimeIso(st.nextRun) : st.pausedUntil === 'resume' ? 'none (paused until resumed)' : 'none (the schedule is off)']);
  const where = st.piecesOs.url ? visible(st.piecesOs.url) : 'not found on this computer';
  lines.push(['PiecesOS', st.piecesOs.reachable ? `${where}, version ${visible(st.piecesOs.version ?? 'unknown')} (answering)` : `${where} (not answering)`]);
  for (const run of st.piecesOs.runs ?? []) lines.push(['', liveRunText(run)]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  io.out(lines.map(([k, v]) => `${(k ? `${k}:` : '').padEnd(width)}${v}`).join('\n') + '\n');
  return 0;
}
