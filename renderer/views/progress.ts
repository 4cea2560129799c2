// "Back up now", the progress bar and one status line. Progress values are applied the moment
// they arrive: main already coalesces them, so the renderer adds no debounce of its own.
import type { EngineState } from '../../main/engine/types.js';
import type { IpcError } from '../../main/ipc/contract.js';
import { el, setText, show } from '../dom.js';
import { formatBytes, formatRunTime, relativeTime } from '../format.js';
import { waitingLine } from '../../main/shared/waiting-text.js';

export interface ProgressView {
  root: HTMLElement;
  update(state: EngineState): void;
  /** Re-render relative times ("3 minutes ago"). */
  tick(): void;
}

export function createProgressView(onBackUp: () => Promise<IpcError | null>, onResume: () => Promise<void>): ProgressView {
  const button = el('button', { type: 'button', class: 'primary' }, 'Back up now');
  const status = el('p', { class: 'status', role: 'status' });
  const fill = el('div', { class: 'fill' });
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-label': 'Backup progress', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const pct = el('span', { class: 'pct', 'aria-hidden': 'true' });
  const barRow = el('div', { class: 'bar-row', hidden: true }, bar, pct);
  const resume = el('button', { type: 'button', class: 'link', hidden: true }, 'Resume automatic backups');
  const error = el('p', { class: 'error', hidden: true });
  const root = el('section', { class: 'run', 'aria-label': 'Backup now' }, el('div', { class: 'run-row' }, button, status), barRow, error, resume);

  let state: EngineState | null = null;
  /** After a run this window watched, keep the bar at its end value instead of hiding it. */
  let finished: { ok: boolean } | null = null;
  let wasRunning = false;
  /** lastSuccess.at when the run began: a different value afterwards means the run succeeded. */
  let successBefore: string | null = null;

  button.addEventListener('click', async () => {
    button.disabled = true;
    show(error, false);
    finished = null;
    const err = await onBackUp();
    if (err) {
      setText(error, err.message);
      show(error, true);
      if (!state || state.phase !== 'running') button.disabled = false;
    }
  });
  resume.addEventListener('click', () => void onResume());

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

  function statusLine(s: EngineState): string {
    // Another Pieces Backup process is backing up: say whose backup this one waits for.
    if (s.phase === 'waiting' && s.waiting) return `${waitingLine(s.waiting, new Date())} to finish; it starts by itself then.`;
    if (s.phase === 'running' && s.running) {
      const what = s.running.trigger === 'manual' ? 'Backing up' : s.running.trigger === 'catch-up' ? 'Catching up on a missed backup' : s.running.trigger === 'retry' ? 'Retrying the backup' : 'Scheduled backup running';
      return s.running.percentage === null ? `${what}…` : `${what}… ${Math.round(s.running.percentage)} %`;
    }
    const parts: string[] = [];
    if (finished?.ok && s.lastSuccess) parts.push(`Backed up ${formatBytes(s.lastSuccess.bytes)} ${relativeTime(s.lastSuccess.at)}`);
    else if (s.lastSuccess) parts.push(`Last backup ${relativeTime(s.lastSuccess.at)}`);
    else parts.push('No backup made by this app yet');
    if (s.retry) parts.push(`retry ${s.retry.attempt} ${relativeTime(s.retry.at)}`);
    else if (s.pausedUntil === 'resume') parts.push('automatic backups paused');
    else if (s.pausedUntil) parts.push(`paused until ${formatRunTime(s.pausedUntil)}`);
    else if (s.nextRun) parts.push(`next ${formatRunTime(s.nextRun)}`);
    return parts.join(' · ');
  }

  function render(): void {
    if (!state) return;
    const s = state;
    const running = s.phase === 'running' && s.running !== null;
    button.disabled = running;
    if (running) {
      show(barRow, true);
      barRow.classList.remove('failed');
      setBar(s.running!.percentage);
    } else if (finished) {
      show(barRow, true);
      barRow.classList.toggle('failed', !finished.ok);
      if (finished.ok) setBar(100);
    } else {
      show(barRow, false);
    }
    setText(status, statusLine(s));
    if (!running && s.lastError && finished && !finished.ok) {
      setText(error, s.lastError.message);
      show(error, true);
    }
    show(resume, s.pausedUntil !== null);
  }

  return {
    root,
    update(next) {
      const running = next.phase === 'running' && next.running !== null;
      if (running && !wasRunning) {
        finished = null;
        successBefore = next.lastSuccess?.at ?? null;
        show(error, false);
      }
      if (!running && wasRunning) finished = { ok: next.lastSuccess !== null && next.lastSuccess.at !== successBefore };
      wasRunning = running;
      state = next;
      render();
    },
    tick() {
      if (state) setText(status, statusLine(state));
    },
  };
}
