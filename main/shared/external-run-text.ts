// How the tray and the window word a backup or restore that another client (e.g. Pieces Desktop)
// runs in PiecesOS, seen by the live watch. Plain TypeScript, no Node: the window bundles it too.
import type { ExternalRun } from '../engine/types.js';

/** "Backing up (started in another app) 42 %", "Restoring (started in another app)" before a percentage. */
export function externalRunLine(run: ExternalRun): string {
  const label = `${run.kind === 'restore' ? 'Restoring' : 'Backing up'} (started in another app)`;
  const p = run.percentage;
  return p === null || !Number.isFinite(p) ? label : `${label} ${Math.round(Math.min(100, Math.max(0, p)))} %`;
}
