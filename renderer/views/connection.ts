// The connection line at the top (which PiecesOS, how it was found), the demo-mode note when the
// app runs against the built-in emulator, and the banner for what stops backups: PiecesOS offline,
// the person not signed in, or a backup whose connection dropped while PiecesOS kept answering
// (said as such, never as "not reachable").
import type { ConnectionInfo, EngineState, RunError } from '../../main/engine/types.js';
import { DEMO_MODE_TEXT, droppedTitle, retryLine, withoutErrorCodes } from '../../main/shared/status-text.js';
import { el, setText, show } from '../dom.js';
import { describeConnection } from '../format.js';

export interface ConnectionView {
  root: HTMLElement;
  banner: HTMLElement;
  /** `problem`: why the backups could not be listed (null when they could); `run`: the engine's
   * last failure and retry, for a backup that failed while PiecesOS answers. */
  update(connection: ConnectionInfo, problem: RunError | null, run?: RunProblem | null): void;
}

/** What the engine says about the last backup: its failure (until a later success) and a retry. */
export type RunProblem = Pick<EngineState, 'lastError' | 'retry'>;

/** The sentence shown for a problem; null when there is nothing to say. "Not reachable" only
 * when PiecesOS does not answer (its health check, or a list call that could not connect). */
export function problemMessage(connection: ConnectionInfo, problem: RunError | null, run: RunProblem | null = null, now: Date = new Date()): { title: string; body: string } | null {
  if (!connection.reachable || problem?.kind === 'unreachable') {
    return connection.url
      ? { title: `PiecesOS is not reachable at ${connection.url}.`, body: 'Start PiecesOS (or check its URL in Settings), then check again.' }
      : { title: 'PiecesOS was not found on this computer.', body: 'Start PiecesOS or enter its URL in Settings, then check again.' };
  }
  if (problem?.kind === 'not-signed-in' || run?.lastError?.kind === 'not-signed-in') {
    return { title: 'Sign in to Pieces and connect to the cloud.', body: 'Backups need a signed-in Pieces account; sign in from Pieces Desktop, then check again.' };
  }
  if (problem) return { title: 'The backups could not be loaded.', body: withoutErrorCodes(problem.message) };
  const dropped = run?.lastError ? droppedTitle(run.lastError.kind) : null;
  if (dropped) {
    const next = run!.retry ? `${retryLine(run!.retry, now)}.` : 'Choose Back up now, or the next scheduled backup will make it.';
    return { title: dropped, body: `PiecesOS is running. ${next}` };
  }
  return null;
}

export function createConnectionView(onCheck: () => Promise<void>): ConnectionView {
  const dot = el('span', { class: 'dot', 'aria-hidden': 'true' });
  const text = el('span', { class: 'conn-text' });
  const check = el('button', { type: 'button', class: 'link' }, 'Check again');
  // Demo mode must be unmistakable: these are not the person's Pieces backups. A note, not an
  // alert: it is true for the whole session, not news.
  const demo = el('p', { class: 'demo-banner', role: 'note', hidden: true }, DEMO_MODE_TEXT);
  const root = el('section', { class: 'conn', 'aria-label': 'Connection' }, demo, dot, text, check);

  const bannerTitle = el('strong');
  const bannerBody = el('span');
  const bannerCheck = el('button', { type: 'button' }, 'Check connection');
  const banner = el('div', { class: 'banner', role: 'alert', hidden: true }, bannerTitle, ' ', bannerBody, ' ', bannerCheck);

  const runCheck = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await onCheck();
    } finally {
      button.disabled = false;
    }
  };
  check.addEventListener('click', () => void runCheck(check));
  bannerCheck.addEventListener('click', () => void runCheck(bannerCheck));

  return {
    root,
    banner,
    update(connection, problem, run = null) {
      setText(text, describeConnection(connection));
      show(demo, connection.source === 'emulator');
      const msg = problemMessage(connection, problem, run);
      const offline = !connection.reachable || problem?.kind === 'unreachable';
      dot.className = `dot ${offline ? 'bad' : msg ? 'warn' : 'good'}`;
      show(banner, msg !== null);
      if (msg) {
        setText(bannerTitle, msg.title);
        setText(bannerBody, msg.body);
      }
    },
  };
}
