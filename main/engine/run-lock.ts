// Single flight across processes: the tray app, the daemon and the CLI may share one config
// folder, and only one of them may run a backup at a time. The lock file is written whole under
// a private name, then hard-linked into place (link fails if the lock exists), so nobody ever
// reads a half-written lock. A lock whose owner is gone (crash, kill -9) is taken over.
import { link, readFile, unlink, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { withFileLock } from './file-lock.js';

export interface RunLock {
  release(): Promise<void>;
}

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

export const LOCK_FILE = 'backup.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unreadable means corrupt (never half-written); another host's pid means nothing here. */
function isStale(owner: LockOwner | null, host: string): boolean {
  return owner === null || (owner.host === host && !alive(owner.pid));
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Takes the lock, or answers who holds it. */
export async function tryAcquireRunLock(configDir: string): Promise<{ lock: RunLock } | { heldBy: LockOwner }> {
  await mkdir(configDir, { recursive: true });
  const path = join(configDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
  const mine = `${path}.${me.token}`;
  await writeFile(mine, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, path);
        return {
          lock: {
            release: async () => {
              const owner = await readOwner(path);
              if (owner?.token === me.token) await unlink(path).catch(() => {});
            },
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = await readOwner(path);
        if (!isStale(owner, me.host)) return { heldBy: owner! };
        // Two processes may both see the same dead owner: take over one at a time, and only if
        // the lock is still that stale one, so nobody removes a lock just taken by the other.
        await withFileLock(`${path}.takeover`, async () => {
          const now = await readOwner(path);
          if (isStale(now, me.host) && now?.token === owner?.token) await unlink(path).catch(() => {});
        });
      }
    }
  } finally {
    await unlink(mine).catch(() => {});
  }
  const owner = await readOwner(path);
  return { heldBy: owner ?? { pid: -1, host: '?', token: '', since: '' } };
}
