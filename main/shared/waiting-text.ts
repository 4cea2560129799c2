// How every front end words a backup that waits for another Pieces Backup process (the tray,
// the window, the daemon log, notifications): one sentence, so they all say the same thing.
// Plain TypeScript, no Node: the window bundles it too.
import type { WaitingInfo } from '../engine/types.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:02" today, "14:02 on 2026-11-26" another day (local time); null when not a time. */
function whenStarted(iso: string, now: Date): string | null {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return null;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${time} on ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "the backup started by process 4242 at 14:02" (with "on host-b" when it runs elsewhere). */
export function describeHolder(heldBy: WaitingInfo['heldBy'], now: Date): string {
  if (!(heldBy.pid > 0)) return 'the backup another Pieces Backup process is making';
  const when = whenStarted(heldBy.since, now);
  return `the backup started by process ${heldBy.pid}${heldBy.host ? ` on ${heldBy.host}` : ''}${when ? ` at ${when}` : ''}`;
}

/** "Waiting for the backup started by process 4242 at 14:02" */
export function waitingLine(w: Pick<WaitingInfo, 'heldBy'>, now: Date): string {
  return `Waiting for ${describeHolder(w.heldBy, now)}`;
}
