// How every front end words the holder of the backup lock, another Pieces Backup process (the
// tray, the window, the daemon log, notifications, the CLI): one phrase, so they all say the
// same thing. It leads with who started it (the app, the background service, the pieces-backup
// command) and what it does (a backup, a restore, a prune), as the lock records them; a lock
// written by an older version records neither, and is named by its process as before.
// Plain TypeScript, no Node: the window bundles it too.
import type { LockBy, LockHolder } from '../engine/types.js';
import { formatAtIso } from './time-format.js';

const BY_WORDS: Record<LockBy, string> = {
  app: 'the Pieces Backup app',
  daemon: 'the background service',
  cli: 'the pieces-backup command',
};

export interface HolderWordsOptions {
  /** Add "(process 4242)" after the words: useful in the CLI and the daemon log, where a person
   * may look the process up; the tray and the window say only the words. */
  pid?: boolean;
}

/** The words about the holder after "the backup": "the background service started at 2:02 PM
 * on host-b", or for an older lock "started by process 4242 on host-b at 2:02 PM". */
function startedBy(h: LockHolder, now: Date, opts: HolderWordsOptions, it = ''): string {
  const when = formatAtIso(h.since, now);
  const at = when ? ` at ${when}` : '';
  const on = h.host ? ` on ${h.host}` : '';
  const by = h.by ? BY_WORDS[h.by] : undefined;
  if (by === undefined) return `started by process ${h.pid}${on}${at}`;
  return `${by} started${it}${at}${on}${opts.pid ? ` (process ${h.pid})` : ''}`;
}

/** "the restore the pieces-backup command started at 2:02 PM" (with " on host-b" when it runs
 * elsewhere, "(process 4242)" when asked); an older lock: "the backup started by process 4242 at 2:02 PM". */
export function describeHolder(heldBy: LockHolder, now: Date, opts: HolderWordsOptions = {}): string {
  if (!(heldBy.pid > 0)) return 'the backup another Pieces Backup process is making';
  return `the ${heldBy.what ?? 'backup'} ${startedBy(heldBy, now, opts)}`;
}

/** "A restore is already running — the pieces-backup command started it at 2:02 PM" (the tray's
 * Back up now, the CLI's refusals); an older lock: "A backup is already running — started by process 4242 at 2:02 PM". */
export function alreadyRunningLine(heldBy: LockHolder, now: Date, opts: HolderWordsOptions = {}): string {
  if (!(heldBy.pid > 0)) return 'A backup is already running — started by another Pieces Backup process';
  return `A ${heldBy.what ?? 'backup'} is already running — ${startedBy(heldBy, now, opts, ' it')}`;
}

/** "The restore the Pieces Backup app started at 2:02 PM is running" (to begin a sentence: the
 * history's and a refused restore's); an older lock: "The backup started by process 4242 at 2:02 PM is running". */
export function holderIsRunning(heldBy: LockHolder, now: Date, opts: HolderWordsOptions = {}): string {
  if (!(heldBy.pid > 0)) return 'Another Pieces Backup is running a backup, restore or prune';
  const words = describeHolder(heldBy, now, opts);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} is running`;
}

/** "Waiting for the backup the background service started at 2:02 PM" */
export function waitingLine(w: { heldBy: LockHolder }, now: Date, opts: HolderWordsOptions = {}): string {
  return `Waiting for ${describeHolder(w.heldBy, now, opts)}`;
}

/** What to do when the holder seems stuck, for the holder the lock names: "If it is stuck, stop
 * the background service (pieces-backup daemon, process 4242)." A lock that does not say which
 * front end holds it names all three. */
export function stuckHolderAdvice(heldBy: LockHolder): string {
  const pid = heldBy.pid > 0 ? heldBy.pid : null;
  const on = heldBy.host ? ` on ${heldBy.host}` : '';
  switch (heldBy.by) {
    case 'app':
      return `If it is stuck, quit the Pieces Backup app${on} (its tray menu, Quit).`;
    case 'daemon':
      return `If it is stuck, stop the background service${on} (pieces-backup daemon${pid ? `, process ${pid}` : ''}).`;
    case 'cli':
      return `If it is stuck, stop the pieces-backup command${on} (Ctrl-C where it runs${pid ? `, or process ${pid}` : ''}).`;
    default:
      return `If it is stuck, quit it (${pid ? `process ${pid}: ` : ''}the other Pieces Backup app, background service or pieces-backup command).`;
  }
}
