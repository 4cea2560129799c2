// A daemon (runDaemon, in this process) started and stopped again as soon as it says it started:
// for tests of what a short-lived daemon leaves behind.
import { setTimeout as sleep } from 'node:timers/promises';
import { runDaemon } from '../../main/daemon/daemon.js';

/** Runs the daemon on `configDir` against `url`, stops it (its abort signal) once it printed "daemon
 * started" (or after about 2 s), and gives its exit code and the lines it printed. */
export async function startAndStopDaemon(configDir: string, url: string): Promise<{ code: number; lines: string[] }> {
  const ac = new AbortController();
  const lines: string[] = [];
  const running = runDaemon({ configDir, url, json: false, out: (l) => lines.push(l), signal: ac.signal });
  for (let i = 0; i < 200 && !lines.some((l) => /daemon started/.test(l)); i++) await sleep(10);
  ac.abort();
  return { code: await running, lines };
}
