// How every front end words a backup that waits for another Pieces Backup process (the tray,
// the window, the daemon log, notifications): one sentence, so they all say the same thing.
// Plain TypeScript, no Node: the window bundles it too.
import type { WaitingInfo } from '../engine/types.js';
import { formatAtIso } from './time-format.js';

/** "the backup started by process 4242 at 14:02" (with "on host-b" when it runs elsewhere). */
export function describeHolder(heldBy: WaitingInfo['heldBy'], now: Date): string {
  if (!(heldBy.pid > 0)) return 'the backup another Pieces Backup process is making';
  const when = formatAtIso(heldBy.since, now);
  return `the backup started by process ${heldBy.pid}${heldBy.host ? ` on ${heldBy.host}` : ''}${when ? ` at ${when}` : ''}`;
}

/** "Waiting for the backup started by process 4242 at 14:02" */
export function waitingLine(w: Pick<WaitingInfo, 'heldBy'>, now: Date): string {
  return `Waiting for ${describeHolder(w.heldBy, now)}`;
}
