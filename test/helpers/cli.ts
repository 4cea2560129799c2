// Runs the built `pieces-backup` binary as a person or a script would, with a hard time limit.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/pieces-backup.js', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A run still going after `killAfterMs` (default 30 s) is killed: a hung CLI fails its test instead of hanging it. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, opts: { killAfterMs?: number } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, PIECES_OS_URL: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 30_000);
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

export function runCliProcess(args: string[], env: Record<string, string | undefined> = {}, opts: { killAfterMs?: number } = {}): Promise<CliRun> {
  return startCli(args, env, opts).done;
}

/** Parses JSON lines output, failing loudly on a line that is not JSON. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
