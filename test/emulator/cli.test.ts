// `npm run emulator -- --port 0` as a person or script would run it: the listening line, a
// health check over loopback, a clean exit on SIGTERM, and exit 2 on a bad flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs in its own process group so the whole npm → sh → tsx chain can be ended by our child's id. */
function run(args: string[]): ChildProcess {
  return spawn('npm', ['run', '--silent', 'emulator', '--', ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

test('npm run emulator -- --port 0 prints the listening line, answers health, exits on SIGTERM', { timeout: 25_000 }, async (t) => {
  const dataDir = await tempDir(t);
  const child = run(['--port', '0', '--data-dir', dataDir, '--seed', '5']);
  t.after(() => killGroup(child, 'SIGKILL'));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 20 s; stderr: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening; stderr: ${err}`)));
  });
  assert.equal(out.split('\n').filter((l) => l.startsWith('listening on ')).length, 1);
  const health = await fetch(`${url}/.well-known/health`);
  assert.match(await health.text(), /^ok:/);
  const list = (await (await fetch(`${url}/backups`)).json()) as { iterable: unknown[] };
  assert.equal(list.iterable.length, 5);
  const exited = once(child, 'exit');
  killGroup(child, 'SIGTERM');
  const [code, signal] = (await exited) as [number | null, string | null];
  assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`);
});

test('a bad flag is one clear line and exit code 2', { timeout: 25_000 }, async (t) => {
  const dataDir = await tempDir(t);
  const child = run(['--port', 'abc', '--data-dir', dataDir]);
  t.after(() => killGroup(child, 'SIGKILL'));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
  const lines = err.trim().split('\n').filter((l) => !l.startsWith('npm '));
  assert.equal(lines.length, 1, err);
  assert.match(lines[0] ?? '', /port must be a whole number/);
});
