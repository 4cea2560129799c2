// "Back up now", the progress bar, one status line and, while a backup or restore runs, Cancel.
// Progress values are applied the moment they arrive: main already coalesces them, so the
// renderer adds no debounce of its own. A restore's outcome comes from its history record (the
// engine records it before it reports the run finished), matched by the run's start time.
import type { EngineState, ExternalRun, HistoryEntry } from '../../main/engine/types.js';
import type { IpcError } from '../../main/ipc/contract.js';
import { el, setText, show } from '../dom.js';
import { formatBytes, formatRunTime, relativeTime } from '../format.js';
import { restoreOutcome, restoreRunDetail, restoreRunLine, type RestoreOutcome, type RestoreTarget } from '../restore-text.js';
import { waitingLine } from '../../main/shared/waiting-text.js';
import { failureText, retryLine } from '../../main/shared/status-text.js';
import { owedOrOverdueLines } from '../../main/shared/owed-overdue-text.js';
import { externalRunLine, externalRunTimeLine } from '../../main/shared/external-run-text.js';
import { runTimeLine } from '../../main/shared/progress-eta.js';

export interface ProgressActions {
  backUp(): Promise<IpcError | null>;
  resume(): Promise<void>;
  /** Cancel the run in flight (backup or restore). */
  cancel(): Promise<IpcError | null>;
  /** "Restore without a safety backup…" after the safety backup failed. */
  restoreWithoutSafety(backupId: string): void;
  /** A run this window showed ended while focus was on its Cancel button (now hidden): put focus
   * somewhere useful. `restored` is the backup a restore run was about. */
  focusAfterRun(restored: RestoreTarget | null): void;
}

export interface ProgressView {
  root: HTMLElement;
  update(state: EngineState): void;
  history(entries: HistoryEntry[]): void;
  /** Re-render relative times ("3 minutes ago"). */
  tick(): void;
  /** This computer's newest backup in the list (whoever made it); null while the list or this
   * computer is not known. */
  thisComputer(known: { latest: string | null } | null): void;
  focusCancel(): void;
}

/** The run this window is showing (running now, or the last one it saw end). */
interface Watched {
  startedAt: string;
  restore: boolean;
  target: RestoreTarget | null;
  /** lastSuccess.at when the run began: a different value afterwards means a backup succeeded. */
  successBefore: string | null;
  /** lastError's message when the run began, so an older error is not shown as this run's. */
  errorBefore: string | null;
  ended: boolean;
  entry: HistoryEntry | null;
  /** A progress value arrived: a run that failed without one never started, and shows no bar. */
  progressed: boolean;
}

export function createProgressView(actions: ProgressActions): ProgressView {
  const button = el('button', { type: 'button', class: 'primary' }, 'Back up now');
  const status = el('p', { class: 'status', role: 'status' });
  const fill = el('div', { class: 'fill' });
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-label': 'Backup progress', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const pct = el('span', { class: 'pct', 'aria-hidden': 'true' });
  const cancel = el('button', { type: 'button', class: 'cancel-run', hidden: true, 'aria-label': 'Cancel backup' }, 'Cancel');
  const barRow = el('div', { class: 'bar-row', hidden: true }, bar, pct, cancel);
  // Elapsed and time left, rewritten every second: not a live region, or a screen reader would
  // read it out each time (the status line above says what matters when it changes).
  const timing = el('p', { class: 'run-time', hidden: true });
  const detail = el('p', { class: 'run-detail', hidden: true });
  const outcomeText = el('p', { class: 'outcome-detail' });
  const withoutSafety = el('button', { type: 'button', hidden: true }, 'Restore without a safety backup…');
  const outcome = el('div', { class: 'outcome', hidden: true }, outcomeText, withoutSafety);
  const resume = el('button', { type: 'button', class: 'link', hidden: true }, 'Resume automatic backups');
  const error = el('p', { class: 'error', hidden: true });
  const root = el('section', { class: 'run', 'aria-label': 'Backup now' }, el('div', { class: 'run-row' }, button, status), barRow, timing, detail, outcome, error, resume);

  let state: EngineState | null = null;
  let watched: Watched | null = null;
  /** This computer's newest listed backup (see thisComputer); null: not known. */
  let here: { latest: string | null } | null = null;
  let entries: HistoryEntry[] = [];
  /** The error line shows the engine's last failure (not a click's answer): hidden once it clears. */
  let errorFromState = false;
  /** Focus Cancel as soon as the run it belongs to shows (a restore just confirmed in the dialog);
   * a time limit, so a run that came and went before its first state cannot leave it armed. */
  let wantCancelFocusUntil = 0;
  /** Ticks the elapsed (or seen) time once a second, only while a run is in flight. */
  let ticker: ReturnType<typeof setInterval> | null = null;

  button.addEventListener('click', async () => {
    button.disabled = true;
    show(error, false);
    watched = null;
    const err = await actions.backUp();
    if (err) {
      setText(error, err.message);
      show(error, true);
      if (!busy(state)) button.disabled = false;
    }
  });
  // While a cancel is on its way the button says so and ignores clicks, but is not `disabled`: a
  // disabled button drops keyboard focus, and focus must still be there when the run ends.
  cancel.addEventListener('click', async () => {
    if (cancel.getAttribute('aria-disabled') === 'true') return;
    setCanceling(true);
    const err = await actions.cancel();
    if (err) {
      setText(error, err.message);
      show(error, true);
      setCanceling(false);
    }
  });
  withoutSafety.addEventListener('click', () => {
    if (watched?.target) actions.restoreWithoutSafety(watched.target.id);
  });
  resume.addEventListener('click', () => void actions.resume());

  function setCanceling(on: boolean): void {
    if (on) cancel.setAttribute('aria-disabled', 'true');
    else cancel.removeAttribute('aria-disabled');
    setText(cancel, on ? 'Canceling…' : 'Cancel');
  }

  /** "Elapsed 1:23 · About 3 minutes left" for the run in flight ("Seen for 1:23 · …" for another
   * app's); the only thing the ticker updates. */
  function showTiming(): void {
    const r = isRunning(state) ? state!.running! : null;
    const other = r ? null : shownExternal(state);
    const line = r ? runTimeLine(r, Date.now()) : other ? externalRunTimeLine(other, Date.now()) : null;
    show(timing, line !== null);
    if (line !== null) setText(timing, line);
  }

  function syncTicker(running: boolean): void {
    if (running && ticker === null) ticker = setInterval(showTiming, 1000);
    else if (!running && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function setBar(percentage: number | null): void {
    if (percentage === null || !Number.isFinite(percentage)) {
      bar.removeAttribute('aria-valuenow');
      bar.classList.add('indeterminate');
      fill.style.transform = '';
      setText(pct, '');
      return;
    }
    const p = Math.max(0, Math.min(100, Math.round(percentage)));
    bar.classList.remove('indeterminate');
    if (bar.getAttribute('aria-valuenow') !== String(p)) bar.setAttribute('aria-valuenow', String(p));
    bar.setAttribute('aria-valuetext', `${p} %`);
    // CSSOM writes are allowed under the CSP (only style attributes in markup are not).
    fill.style.transform = `scaleX(${p / 100})`;
    setText(pct, `${p} %`);
  }

  /** The outcome of the watched restore, once its history record is known. */
  function restoreResult(): RestoreOutcome | null {
    return watched?.restore && watched.ended && watched.entry ? restoreOutcome(watched.entry, watched.target) : null;
  }

  function statusLine(s: EngineState): string {
    // Another Pieces Backup process is backing up: say whose backup this one waits for.
    if (s.phase === 'waiting' && s.waiting) return `${waitingLine(s.waiting, new Date())} to finish; it starts by itself then.`;
    if (isRunning(s)) {
      const r = s.running!;
      const restoring = restoreRunLine(r);
      if (restoring) return restoring;
      const what = r.trigger === 'manual' ? 'Backing up' : r.trigger === 'catch-up' ? 'Catching up on a missed backup' : r.trigger === 'owed' ? 'Making the backup PiecesOS was not available for' : r.trigger === 'retry' ? 'Retrying the backup' : 'Scheduled backup running';
      return r.percentage === null ? `${what}…` : `${what}… ${Math.round(r.percentage)} %`;
    }
    // PiecesOS runs a backup or restore another client started (the live watch).
    if (s.external) return externalRunLine(s.external);
    const result = restoreResult();
    if (result) return result.title;
    if (watched?.restore && watched.ended) return 'The restore has ended…';
    const backedUp = watched && !watched.restore && watched.ended && backupSucceeded(s);
    const parts: string[] = [];
    // The last failure stays until a later success, whoever started that run and whenever this
    // window was opened (its sentence is in the error line below).
    if (s.lastError && !backedUp) parts.push('Last attempt failed');
    if (backedUp && s.lastSuccess) parts.push(`Backed up ${formatBytes(s.lastSuccess.bytes)} ${relativeTime(s.lastSuccess.at)}`);
    else if (lastBackupHere(s)) parts.push(`Last backup ${relativeTime(lastBackupHere(s))}`);
    else parts.push(here ? 'No backup of this computer yet' : 'No backup made by this app yet');
    // "No backup for 4 days", "Will back up when PiecesOS is available" (not while paused: that line says it).
    parts.push(...owedOrOverdueLines(s));
    if (s.retry) parts.push(retryLine(s.retry, new Date()));
    else if (s.pausedUntil === 'resume') parts.push('automatic backups paused');
    else if (s.pausedUntil) parts.push(`paused until ${formatRunTime(s.pausedUntil)}`);
    else if (s.nextRun) parts.push(`next ${formatRunTime(s.nextRun)}`);
    return parts.join(' · ');
  }

  /** The newer of this app's last success and this computer's newest listed backup. */
  function lastBackupHere(s: EngineState): string | null {
    const mine = s.lastSuccess?.at ?? null;
    const listed = here?.latest ?? null;
    if (mine === null || listed === null) return mine ?? listed;
    return Date.parse(listed) > Date.parse(mine) ? listed : mine;
  }

  function backupSucceeded(s: EngineState): boolean {
    return s.lastSuccess !== null && s.lastSuccess.at !== watched?.successBefore;
  }

  function render(): void {
    if (!state) return;
    const s = state;
    const running = isRunning(s);
    const r = running ? s.running! : null;
    // Another app's run in PiecesOS: a click could only be refused (the status line says whose run it is).
    button.disabled = busy(s);
    const restoreEnd = restoreResult();
    const other = r ? null : shownExternal(s);
    if (r) {
      show(barRow, true);
      barRow.classList.remove('failed');
      bar.setAttribute('aria-label', r.kind !== 'restore' ? 'Backup progress' : r.phase === 'safety-backup' ? 'Safety backup progress' : 'Restore progress');
      cancel.setAttribute('aria-label', r.kind === 'restore' ? 'Cancel restore' : 'Cancel backup');
      setBar(r.percentage);
    } else if (other) {
      // Another app's run (the live watch): its bar, named as theirs; no Cancel (not ours to cancel).
      show(barRow, true);
      barRow.classList.remove('failed');
      bar.setAttribute('aria-label', `${other.kind === 'restore' ? 'Restore' : 'Backup'} progress (started in another app)`);
      setBar(other.percentage);
    } else if (watched?.ended && (!watched.restore || restoreEnd) && (watched.progressed || (watched.restore ? restoreEnd!.ok : backupSucceeded(s)))) {
      // (A run that failed before any progress, e.g. refused as not signed in, shows no bar: only its sentence.)
      const ok = watched.restore ? restoreEnd!.ok : backupSucceeded(s);
      show(barRow, true);
      barRow.classList.toggle('failed', !ok);
      if (ok) setBar(100);
    } else {
      show(barRow, false);
    }
    show(cancel, running);
    showTiming();
    syncTicker(running || other !== null);
    if (running && Date.now() < wantCancelFocusUntil) {
      wantCancelFocusUntil = 0;
      cancel.focus();
    }
    const runDetail = r ? restoreRunDetail(r) : null;
    show(detail, runDetail !== null);
    if (runDetail !== null) setText(detail, runDetail);
    show(outcome, restoreEnd !== null);
    if (restoreEnd) {
      outcome.classList.toggle('failed', !restoreEnd.ok);
      setText(outcomeText, restoreEnd.detail);
      show(withoutSafety, restoreEnd.offerWithoutSafety);
    }
    setText(status, statusLine(s));
    if (!running && watched?.ended && !watched.restore && !backupSucceeded(s)) {
      // A backup this window watched did not succeed: its failure, or that it was canceled.
      const fresh = s.lastError && s.lastError.message !== watched.errorBefore ? s.lastError : null;
      const own = watched.entry?.error ?? fresh;
      if (own) {
        setText(error, own.kind === 'canceled' ? own.message : failureText(own, s.retry));
        show(error, true);
        errorFromState = false;
      }
    } else if (!running && s.lastError && !(watched?.restore && watched.ended)) {
      // The last backup failed, before this window opened or while it showed something else.
      setText(error, failureText(s.lastError, s.retry));
      show(error, true);
      errorFromState = true;
    } else if (errorFromState) {
      show(error, false);
      errorFromState = false;
    }
    show(resume, s.pausedUntil !== null);
  }

  /** The history record of the watched run, once it is there. */
  function matchEntry(): void {
    if (!watched || watched.entry) return;
    const w = watched;
    w.entry = entries.find((e) => e.startedAt === w.startedAt && (e.trigger === 'restore') === w.restore && e.result !== 'skipped') ?? null;
  }

  return {
    root,
    update(next) {
      const running = isRunning(next);
      if (running && (!watched || watched.ended || watched.startedAt !== next.running!.startedAt)) {
        const r = next.running!;
        watched = { startedAt: r.startedAt, restore: r.kind === 'restore', target: r.restoring ?? null, successBefore: next.lastSuccess?.at ?? null, errorBefore: next.lastError?.message ?? null, ended: false, entry: null, progressed: false };
        show(error, false);
        setCanceling(false);
      } else if (running && watched && next.running!.restoring) {
        watched.target = next.running!.restoring;
      }
      if (running && watched && next.running!.percentage !== null) watched.progressed = true;
      const hadFocus = document.activeElement === cancel;
      const ended = !running && watched !== null && !watched.ended;
      if (ended) {
        watched!.ended = true;
        matchEntry();
      }
      state = next;
      render();
      if (ended && hadFocus) actions.focusAfterRun(watched!.restore ? watched!.target : null);
    },
    history(list) {
      entries = Array.isArray(list) ? list.filter((e) => e && typeof e === 'object') : [];
      matchEntry();
      render();
    },
    tick() {
      if (state) setText(status, statusLine(state));
    },
    thisComputer(known) {
      here = known;
      if (state) setText(status, statusLine(state));
    },
    focusCancel() {
      wantCancelFocusUntil = Date.now() + 5000;
      render();
    },
  };
}

function isRunning(s: EngineState | null): boolean {
  return s !== null && s.phase === 'running' && s.running !== null;
}

/** Another app's run when the status line names it (not while this window waits for a lock). */
function shownExternal(s: EngineState | null): ExternalRun | null {
  if (!s?.external || isRunning(s) || (s.phase === 'waiting' && s.waiting)) return null;
  return s.external;
}

/** A run of this app, or one another app started in PiecesOS (which does one at a time). */
function busy(s: EngineState | null): boolean {
  return isRunning(s) || Boolean(s?.external);
}
