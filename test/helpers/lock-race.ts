// Shared by the run-lock tests: processes racing for one backup lock.
import { spawn } from 'node:child_process';

/** Starts `n` processes that each try the lock once and report 'won' or 'lost'. Each holds what
 * it got until every one has answered, so a winner never exits early and frees the lock. */
export async function raceForLock(dir: string, n: number): Promise<string[]> {
  const moduleUrl = new URL('../../main/engine/run-lock.ts', import.meta.url).href;
  const script = `import { tryAcquireRunLock } from ${JSON.stringify(moduleUrl)};
    const r = await tryAcquireRunLock(${JSON.stringify(dir)});
    process.stdout.write('lock' in r ? 'won' : 'lost');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const results = await Promise.all(
    children.map((p) => new Promise<string>((resolve) => p.stdout.once('data', (d) => resolve(String(d))))),
  );
  await Promise.all(children.map((p) => new Promise((resolve) => { p.on('close', resolve); p.stdin.end(); })));
  return results;
}
