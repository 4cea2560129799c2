// Which desktop notifications to show: built from the engine's run results, filtered by the
// person's preferences, and rate-limited so a flapping server cannot flood the desktop.
import type { Notice } from './types.js';
import type { EngineState, WaitingInfo } from '../engine/types.js';
import type { RunFinished } from '../engine/engine.js';
import type { Settings } from '../settings/schema.js';
import type { Clock } from '../engine/clock.js';
import { asSentence, formatBytes, truncate } from '../shared/format.js';
import { formatDateTimeIso } from '../shared/time-format.js';
import { droppedTitle, withoutErrorCodes } from '../shared/status-text.js';
import type { Backup } from '../api/wire.js';
import { describeHolder, stuckHolderAdvice } from '../shared/waiting-text.js';
import { overdueText } from '../shared/owed-overdue-text.js';

/** Least time between two notices of one kind, and the most notices in any hour. */
const MIN_GAP_MS: Record<Notice['kind'], number> = {
  failure: 15 * 60_000, 'not-signed-in': 60 * 60_000, success: 60_000, 'catch-up': 60_000, 'settings-reset': 0, 'waiting-long': 60 * 60_000, 'settings-read-only': 0,
  'restore-finished': 0, 'restore-failed': 0, 'safety-backup-failed': 0, overdue: 24 * 60 * 60_000,
};
const MAX_PER_HOUR = 6;
/** One per restore the person asked for: never held back by the backups' rate limit. */
const ALWAYS: ReadonlySet<Notice['kind']> = new Set(['restore-finished', 'restore-failed', 'safety-backup-failed']);

/** "laptop, Nov 20, 2:02 PM (12.3 MB)": which backup, in the words the window and the CLI use. */
export function describeBackupBriefly(b: Pick<Backup, 'deviceName' | 'created' | 'bytes'>): string {
  return `${truncate(b.deviceName, 60)}, ${formatDateTimeIso(b.created)} (${formatBytes(b.bytes)})`;
}

/** The notice for a restore's outcome (runs the engine recorded with trigger 'restore'). */
function restoreNotice(ev: RunFinished): Notice | null {
  const e = ev.entry;
  const target = ev.restore?.target ?? null;
  const safety = ev.restore?.safetyBackup ?? null;
  const message = asSentence(withoutErrorCodes(e.error?.message ?? ''));
  if (e.result === 'completed') {
    const what = target ? `the backup from ${describeBackupBriefly(target)}` : `backup ${e.backupId ?? ''}`.trim();
    const before = safety ? ` The data it replaced was backed up first (${describeBackupBriefly(safety)}): restore that backup to go back.` : '';
    return { kind: 'restore-finished', title: 'Restore complete', body: `Your Pieces data on this computer is now ${what}.${before}` };
  }
  if (e.result === 'skipped') return null; // refused before it began: the window that asked says why
  if (e.phase === 'safety-backup' && e.result === 'failed') {
    return {
      kind: 'safety-backup-failed',
      title: 'Restore not started: the safety backup failed',
      body: `${message} To restore without it, choose Restore… again and untick “Back up the current data first”.`,
    };
  }
  if (e.result === 'canceled') {
    // The client's sentence says whether PiecesOS confirmed that the original data is back, and what to check if not.
    return { kind: 'restore-failed', title: 'Restore canceled', body: message };
  }
  // restore.ts's sentence: why, that PiecesOS keeps or puts back the original data, and what to do.
  return { kind: 'restore-failed', title: 'Restore failed', body: message };
}

function advice(kind: string): string {
  switch (kind) {
    case 'unreachable':
      return 'Make sure PiecesOS is running, then choose Back up now, or let the next scheduled backup run.';
    case 'timeout':
    case 'stalled':
    case 'connection-lost':
      return 'The next scheduled backup will try again, or choose Back up now.';
    case 'http':
      return 'Try again later, or restart PiecesOS if it keeps happening.';
    default:
      return 'Open Pieces Backup for details.';
  }
}

export function createNoticePolicy(opts: { settings: () => Settings; clock: Clock }) {
  const lastByKind = new Map<Notice['kind'], number>();
  const recent: number[] = [];
  const allow = (kind: Notice['kind']): boolean => {
    const now = opts.clock.now();
    if (ALWAYS.has(kind)) {
      recent.push(now);
      return true;
    }
    while (recent.length && (recent[0]! > now || now - recent[0]! > 3_600_000)) recent.shift();
    const last = lastByKind.get(kind);
    if (last !== undefined && now >= last && now - last < MIN_GAP_MS[kind]) return false;
    if (recent.length >= MAX_PER_HOUR) return false;
    lastByKind.set(kind, now);
    recent.push(now);
    return true;
  };
  return {
    /** The notice for a finished run, or null (not wanted, not worth it, or rate-limited). */
    fromRun(ev: RunFinished): Notice | null {
      const prefs = opts.settings().notifications;
      const e = ev.entry;
      if (e.trigger === 'restore') {
        const r = restoreNotice(ev);
        return r && allow(r.kind) ? r : null;
      }
      let n: Notice | null = null;
      if (e.result === 'failed' && e.error) {
        if (e.error.kind === 'not-signed-in') {
          n = { kind: 'not-signed-in', title: 'Sign in to Pieces to back up', body: 'Backups need you signed in to Pieces and connected to the cloud. Open Pieces, sign in, then choose Back up now.' };
        } else if (prefs.onFailure && ev.retryAt === null) {
          // Said once: what happened, then what to do. A connection failure's own sentence carries
          // advice of its own (and, in older history, an error code): its one-line title is used.
          const what = droppedTitle(e.error.kind) ?? asSentence(withoutErrorCodes(e.error.message));
          n = { kind: 'failure', title: 'Backup failed', body: `${what} ${advice(e.error.kind)}` };
        }
      } else if (e.result === 'completed') {
        if (e.trigger === 'catch-up' && prefs.afterCatchUp) n = { kind: 'catch-up', title: 'Missed backup made', body: 'A scheduled backup was missed while your computer was off or asleep; it has been made now.' };
        else if (e.trigger === 'owed' && prefs.afterCatchUp) n = { kind: 'catch-up', title: 'Missed backup made', body: 'PiecesOS was not available when a backup was due; now that it is, the backup has been made.' };
        else if (prefs.onSuccess) n = { kind: 'success', title: 'Backup complete', body: e.bytes !== undefined ? `Your Pieces data is backed up (${formatBytes(e.bytes)}).` : 'Your Pieces data is backed up.' };
      }
      return n && allow(n.kind) ? n : null;
    },
    /** The overdue notice for an engine state: once, then at most once a day while it stays
     * overdue; never while automatic backups are paused on purpose (the paused state says it). */
    fromState(state: EngineState): Notice | null {
      const o = state.overdue;
      if (!o || state.pausedUntil !== null || state.phase === 'running') return null;
      const last = lastByKind.get('overdue');
      const now = opts.clock.now();
      if (last !== undefined && now >= last && now - last < MIN_GAP_MS.overdue) return null;
      const when = state.owed ? ' PiecesOS was not available at the scheduled time; it will back up as soon as PiecesOS is available.' : '';
      const before = state.lastSuccess ? `The last backup was on ${formatDateTimeIso(state.lastSuccess.at)}.` : 'No backup has been made on this computer yet.';
      const n: Notice = {
        kind: 'overdue',
        title: overdueText(o.days),
        body: `${before}${when} Open Pieces Backup to see why, or choose Back up now.`,
      };
      return allow(n.kind) ? n : null;
    },
    /** The one notice for an automatic backup that has waited over an hour for another process's
     * backup (the engine says it once per wait); `lockFile` is the lock to delete if none runs. */
    fromWaiting(w: WaitingInfo, lockFile: string): Notice | null {
      const what = w.trigger === 'catch-up' || w.trigger === 'owed' ? 'A missed backup' : w.trigger === 'retry' ? 'A retried backup' : 'A scheduled backup';
      const n: Notice = {
        kind: 'waiting-long',
        title: 'Backup waiting for another Pieces Backup',
        body:
          `${what} has waited over an hour for ${describeHolder(w.heldBy, new Date(opts.clock.now()))} to finish; it starts by itself once that one is done. ` +
          `${stuckHolderAdvice(w.heldBy)} ` +
          `If no other Pieces Backup is running, delete ${lockFile} and the backup starts within a minute.`,
      };
      return allow(n.kind) ? n : null;
    },
  };
}
