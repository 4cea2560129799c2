// A lock file beside shared data so two processes (tray app, daemon, CLI) on one config folder do
// not interleave read-modify-write cycles. Exclusive create ('wx') is atomic on every local file
// system; a lock left by a crashed process is taken over once it is older than `staleMs`.
// Waiting for it is asynchronous only: a synchronous wait would freeze the tray and the window
// (Electron's main process) for as long as another process holds the lock.
import { open, stat, unlink } from 'node:fs/promises';

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned (ms). */
  staleMs?: number;
}

const DEFAULTS = { timeoutMs: 5000, staleMs: 10_000 };

export class LockTimeoutError extends Error {}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function removeIfStale(path: string, staleMs: number): Promise<void> {
  try {
    const s = await stat(path);
    if (Date.now() - s.mtimeMs > staleMs) await unlink(path);
  } catch {
    // Gone already, or taken over by someone else: just try again.
  }
}

/** Run `fn` holding `lockPath`. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const { timeoutMs, staleMs } = { ...DEFAULTS, ...opts };
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  while (!(await tryCreate(lockPath))) {
    if (Date.now() > deadline) throw new LockTimeoutError(`Another Pieces Backup process holds ${lockPath}; if none is running, delete that file.`);
    await removeIfStale(lockPath, staleMs);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
