// Single flight across processes: the tray app, the daemon and the CLI may share one config
// folder, and only one of them may run a backup at a time. The lock file is written whole under
// a private name, then hard-linked into place (link fails if the lock exists), so nobody ever
// reads a half-written lock.
//
// A lock never outlives its owner: the owner touches the file's mtime (the heartbeat) every 30 s
// while it holds it, and a lock is stale, and taken over, when
//   - its owner is gone (a dead pid on this host),
//   - the pid now belongs to another process (pids are reused: where the OS tells, see
//     process-identity.ts, the process at that pid must be the one that took the lock), or
//   - its heartbeat is older than 2 minutes (a hung owner, another host, a renamed host).
//
// Hand-written rather than proper-lockfile: that library gives the heartbeat and the age rule,
// but knows nothing of the owner's pid (so a dead owner would block for the whole stale period
// instead of being taken over at once, and pid reuse could not be seen), and its stale takeover
// lets two processes that both saw the same stale lock both remove it. With an owner record
// beside it, the pid rules and the guarded takeover below would be needed anyway; the heartbeat
// is the only part it would add, and it is a dozen lines here.
import { link, readFile, stat, unlink, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { withFileLock } from './file-lock.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { isSameProcess, processStartOf } from './process-identity.js';
import type { LockBy, LockHolder, LockWhat } from './types.js';

export interface RunLock {
  release(): Promise<void>;
}

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  /** When the owner took the lock (ISO). */
  since: string;
  /** The owner's process start time as the OS counts it, where the OS tells (Linux). */
  start?: string;
  /** Which front end took it and what it runs, so whoever finds it held can say so in words.
   * Absent in locks of older versions, and when a newer one wrote a value not known here. */
  by?: LockBy;
  what?: LockWhat;
}

export interface RunLockOptions {
  /** Heartbeat timing and the age rule; the system clock outside tests. */
  clock?: Clock;
  /** Recorded in the lock for the words of whoever finds it held (see waiting-text.ts). */
  by?: LockBy;
  what?: LockWhat;
}

const KNOWN_BY: ReadonlySet<unknown> = new Set<LockBy>(['app', 'daemon', 'cli']);
const KNOWN_WHAT: ReadonlySet<unknown> = new Set<LockWhat>(['backup', 'restore', 'prune']);

export const LOCK_FILE = 'backup.lock';
/** How often the owner refreshes its heartbeat while it holds the lock. */
export const HEARTBEAT_MS = 30_000;
/** A heartbeat older than this means the owner is gone or hung. */
export const STALE_AFTER_MS = 2 * 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Seen {
  owner: LockOwner | null;
  /** The heartbeat: the lock file's mtime (ms), null when the file is gone. */
  beat: number | null;
}

async function readLock(path: string): Promise<Seen> {
  let beat: number | null;
  try {
    beat = (await stat(path)).mtimeMs;
  } catch {
    return { owner: null, beat: null };
  }
  try {
    return { owner: ownerOf(JSON.parse(await readFile(path, 'utf8'))), beat };
  } catch {
    return { owner: null, beat };
  }
}

/** The owner a lock file names, or null when it names none. Only the values this version knows
 * are kept: another version's lock (older: no `by`/`what`; newer: values unknown here) reads as
 * far as it can be understood, and is worded from what is left. */
function ownerOf(o: unknown): LockOwner | null {
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.pid !== 'number' || typeof r.token !== 'string') return null;
  return {
    pid: r.pid,
    host: typeof r.host === 'string' ? r.host : '',
    token: r.token,
    since: typeof r.since === 'string' ? r.since : '',
    ...(typeof r.start === 'string' ? { start: r.start } : {}),
    ...(KNOWN_BY.has(r.by) ? { by: r.by as LockBy } : {}),
    ...(KNOWN_WHAT.has(r.what) ? { what: r.what as LockWhat } : {}),
  };
}

/** Unreadable means corrupt (it is never half-written); see the header for the rest. */
async function isStale(seen: Seen, host: string, now: number): Promise<boolean> {
  const { owner, beat } = seen;
  if (owner === null) return true;
  if (beat !== null && now - beat > STALE_AFTER_MS) return true;
  if (owner.host !== host) return false; // another host's pid means nothing here
  if (!alive(owner.pid)) return true;
  return !(await isSameProcess(owner.pid, owner.start));
}

/** Keep touching the lock while we own it; stops by itself once the lock is no longer ours. */
function startHeartbeat(path: string, token: string, clock: Clock): { stop(): void } {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const beat = async () => {
    timer = null;
    const { owner } = await readLock(path);
    if (stopped || owner?.token !== token) return;
    const t = new Date(clock.now());
    await utimes(path, t, t).catch(() => undefined);
    if (!stopped) timer = clock.setTimeout(() => void beat(), HEARTBEAT_MS);
  };
  timer = clock.setTimeout(() => void beat(), HEARTBEAT_MS);
  return {
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
      timer = null;
    },
  };
}

/** Takes the lock, or answers who holds it. */
export async function tryAcquireRunLock(configDir: string, opts: RunLockOptions = {}): Promise<{ lock: RunLock } | { heldBy: LockOwner }> {
  const clock = opts.clock ?? systemClock;
  await mkdir(configDir, { recursive: true });
  const path = join(configDir, LOCK_FILE);
  const start = await processStartOf(process.pid);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date(clock.now()).toISOString(),
    ...(start ? { start } : {}),
    ...(opts.by ? { by: opts.by } : {}),
    ...(opts.what ? { what: opts.what } : {}),
  };
  const mine = `${path}.${me.token}`;
  await writeFile(mine, JSON.stringify(me));
  const t = new Date(clock.now());
  await utimes(mine, t, t); // the first heartbeat, on the clock the age rule reads
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, path);
        const heartbeat = startHeartbeat(path, me.token, clock);
        return {
          lock: {
            release: async () => {
              heartbeat.stop();
              const { owner } = await readLock(path);
              if (owner?.token === me.token) await unlink(path).catch(() => {});
            },
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const seen = await readLock(path);
        if (seen.beat === null) continue; // released meanwhile: try again
        if (!(await isStale(seen, me.host, clock.now()))) return { heldBy: seen.owner! };
        // Two processes may both see the same stale lock: take over one at a time, and only if
        // the lock is still that stale one, so nobody removes a lock just taken by the other.
        await withFileLock(`${path}.takeover`, async () => {
          const now = await readLock(path);
          if (now.beat !== null && now.owner?.token === seen.owner?.token && (await isStale(now, me.host, clock.now()))) {
            await unlink(path).catch(() => {});
          }
        });
      }
    }
  } finally {
    await unlink(mine).catch(() => {});
  }
  const { owner } = await readLock(path);
  return { heldBy: owner ?? { pid: -1, host: '?', token: '', since: '' } };
}

/** Who holds the lock of `configDir` now, when that holder still runs by the same rules a taker
 * applies (its process alive here, or a fresh heartbeat from another computer); null when the lock
 * is free, unreadable or left behind. For `pieces-backup status`: a run in flight whatever its
 * front end (a command's create writes no run marker, only this lock). */
export async function liveLockHolder(configDir: string, now: number = Date.now()): Promise<LockOwner | null> {
  const seen = await readLock(join(configDir, LOCK_FILE));
  return seen.owner !== null && !(await isStale(seen, hostname(), now)) ? seen.owner : null;
}

/** The lock holder as the state and the words show it: the host only when it is another computer. */
export function holderOf(o: LockHolder): LockHolder {
  return {
    pid: o.pid,
    since: o.since,
    ...(o.host && o.host !== hostname() ? { host: o.host } : {}),
    ...(o.by ? { by: o.by } : {}),
    ...(o.what ? { what: o.what } : {}),
  };
}
