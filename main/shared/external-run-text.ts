// How the tray and the window word a backup or restore that another client (e.g. Pieces Desktop)
// runs in PiecesOS, seen by the live watch. Plain TypeScript, no Node: the window bundles it too.
import type { ExternalRun } from '../engine/types.js';
import { formatElapsed, timeLeftAt, timeLeftText } from './progress-eta.js';

/** "Backing up (started in another app) 42 %", "Restoring (started in another app)" before a percentage. */
export function externalRunLine(run: ExternalRun): string {
  const label = `${run.kind === 'restore' ? 'Restoring' : 'Backing up'} (started in another app)`;
  const p = run.percentage;
  return p === null || !Number.isFinite(p) ? label : `${label} ${Math.round(Math.min(100, Math.max(0, p)))} %`;
}

/** "Seen for 1:23 · About 3 minutes left" (the estimate only while there is one), where our own
 * runs say "Elapsed …". "Seen", because the watch does not say when the run started: only when
 * this app first saw it. Null when that is not known. */
export function externalRunTimeLine(run: ExternalRun, nowMs: number): string | null {
  const seen = run.seenSince === undefined ? NaN : Date.parse(run.seenSince);
  if (!Number.isFinite(seen)) return null;
  const left = timeLeftAt(run.timeLeft, nowMs);
  const parts = [`Seen for ${formatElapsed(nowMs - seen)}`];
  if (left !== null) parts.push(timeLeftText(left));
  return parts.join(' · ');
}
