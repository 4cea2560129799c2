// Real processes that take the backup lock with the real code, for the tests where pid liveness
// and cross-process races matter.
import { spawn, type ChildProcess } from 'node:child_process';

const moduleUrl = new URL('../../main/engine/run-lock.ts', import.meta.url).href;

/** A process that tries the lock once, writes 'won' or 'lost', and holds what it got until its
 * stdin ends (then exits without releasing, like a crash: the lock's pid is then dead). */
function lockChild(dir: string): ChildProcess {
  const script = `import { tryAcquireRunLock } from ${JSON.stringify(moduleUrl)};
    const r = await tryAcquireRunLock(${JSON.stringify(dir)});
    process.stdout.write('lock' in r ? 'won' : 'lost');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
}

const answer = (p: ChildProcess) => new Promise<string>((resolve) => p.stdout!.once('data', (d) => resolve(String(d))));
const ended = (p: ChildProcess) => new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(null) : p.once('close', resolve)));

/** Starts `n` processes that each try the lock once and report 'won' or 'lost'. Each holds what
 * it got until every one has answered, so a winner never exits early and frees the lock. */
export async function raceForLock(dir: string, n: number): Promise<string[]> {
  const children = Array.from({ length: n }, () => lockChild(dir));
  const results = await Promise.all(children.map(answer));
  await Promise.all(children.map((p) => { p.stdin!.end(); return ended(p); }));
  return results;
}

export interface LockHolder {
  pid: number;
  /** Make the process exit (leaving its lock file behind, owned by a dead pid). */
  exit(): Promise<void>;
}

/** Another Pieces Backup process holding the lock of `dir`; `cleanup` registers its end. */
export async function startLockHolder(dir: string, cleanup: (fn: () => void) => void): Promise<LockHolder> {
  const child = lockChild(dir);
  cleanup(() => void child.kill('SIGKILL'));
  const got = await answer(child);
  if (got !== 'won') throw new Error(`The lock holder could not take the lock of ${dir} (${got}).`);
  return {
    pid: child.pid!,
    async exit() {
      child.stdin!.end();
      await ended(child);
    },
  };
}
