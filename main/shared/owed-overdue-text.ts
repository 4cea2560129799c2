// The words for an owed backup and an overdue one, shared by the tray, the window, notifications
// and `pieces-backup status` so they all say the same thing. Plain functions of the engine state.
import type { EngineState } from '../engine/types.js';

export const OWED_TEXT = 'Will back up when PiecesOS is available';

/** "No backup for 4 days" ("1 day" for one; the threshold is at least a day, so never less). */
export function overdueText(days: number): string {
  return `No backup for ${days <= 1 ? '1 day' : `${days} days`}`;
}

/** The overdue and owed lines to show now: neither while paused on purpose (the paused line says
 * it) nor while a backup runs; "owed" only when no retry is due (the retry line says when). */
export function owedOrOverdueLines(state: Pick<EngineState, 'pausedUntil' | 'phase' | 'overdue' | 'owed' | 'retry'>): string[] {
  if (state.pausedUntil !== null || state.phase === 'running') return [];
  const lines: string[] = [];
  if (state.overdue) lines.push(overdueText(state.overdue.days));
  if (state.owed && !state.retry) lines.push(OWED_TEXT);
  return lines;
}
