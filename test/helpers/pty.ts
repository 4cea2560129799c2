// Runs the built `pieces-backup` binary on a real terminal: a pseudo-terminal from util-linux's
// `script`, so the CLI sees a TTY on stdin and stderr exactly as a person's shell gives it, and
// answers its y/N question as a person would.
import { spawn, spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
/** A test's `skip` option: false, or why terminal tests cannot run here. */
export const skipWithoutPty: string | false = hasScript ? false : 'util-linux `script` (a pseudo-terminal) is not installed';

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr, as one screen). */
  screen: string;
}

/** `script -c` takes one shell command line, so each argument is quoted for sh. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with `args` on a pseudo-terminal; types `answer` once the question ("[y/N] ") is
 * shown. A run still going after 30 s is killed, so a hung CLI fails its test instead of hanging it. */
export function runCliOnTerminal(args: string[], answer: string): Promise<TerminalRun> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PIECES_OS_URL: undefined } as NodeJS.ProcessEnv });
  let screen = '';
  let typed = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    screen += d;
    if (!typed && screen.includes('[y/N] ')) {
      typed = true;
      child.stdin.write(answer);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, screen });
    }),
  );
}
