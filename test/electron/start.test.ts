// `npm start` here (no Electron runtime, no display): it says so in one line, falls back to the
// emulator when no PiecesOS answers, runs the headless daemon, and exits cleanly on SIGTERM,
// taking the emulator down with it. With a PiecesOS answering, it uses that instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const root = fileURLToPath(new URL('../../', import.meta.url));
const electronInstalled = existsSync(join(root, 'node_modules/electron/path.txt'));

function startScript(dir: string, extraEnv: Record<string, string>) {
  const env: Record<string, string | undefined> = {
    ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), APPDATA: join(dir, 'config'),
    PIECES_BACKUP_EMULATOR_DIR: join(dir, 'emulator'), PIECES_BACKUP_DISCOVERY_PORTS: '', ...extraEnv,
  };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.PIECES_OS_URL;
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = (re: RegExp, ms = 25_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const m = re.exec(out);
        if (m) { clearInterval(poll); resolve(m); } else if (Date.now() - t0 > ms || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`did not see ${re} in:\n${out}`));
        }
      }, 50);
    });
  return { child, exited, waitFor, output: () => out };
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
  const code = await Promise.race([exited, timeout]);
  if (code === 'timeout') { child.kill('SIGKILL'); assert.fail('npm start did not exit within 15 s of SIGTERM'); }
  return code;
}

const reachable = async (url: string) => {
  try { return (await fetch(new URL('/.well-known/health', url), { signal: AbortSignal.timeout(1000) })).ok; } catch { return false; }
};

test('no PiecesOS and no Electron runtime: one-line notice, emulator fallback, daemon, clean exit on SIGTERM', async (t) => {
  if (electronInstalled) return t.skip('the Electron runtime is installed here, so npm start would open the tray app instead of the daemon');
  if (!existsSync(join(root, 'emulator/main.ts'))) return t.skip('the emulator (emulator/main.ts) has not landed yet');
  const dir = await mkdtemp(join(tmpdir(), 'pb-start-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const run = startScript(dir, {});
  const [, emulatorUrl] = await run.waitFor(/using the Emulator at (http:\/\/127\.0\.0\.1:\d+)/);
  await run.waitFor(/daemon started/i);
  const lines = run.output().split('\n');
  assert.equal(lines.filter((l) => /running the headless daemon instead/.test(l)).length, 1, 'the reason is said once, on one line');
  // The daemon's node flags must not cost it a feature or print V8's own warnings: --lite-mode
  // switched WebAssembly off ("Warning: disabling flag --expose_wasm"), which crashes fetch.
  assert.doesNotMatch(run.output(), /Warning: disabling flag|conflicting flags/);
  // Demo mode is unmistakable: npm start's first line says these are not the person's Pieces data.
  assert.equal(lines[0], 'Demo mode — using the built-in emulator, not your Pieces data');
  assert.match(lines[1]!, /^Electron's runtime is not installed \(run: node node_modules\/electron\/install\.js\) — running the headless daemon instead\.$/);
  assert.ok(await reachable(emulatorUrl!), 'the emulator answers while the daemon runs');
  assert.ok(existsSync(join(dir, 'emulator')), 'the emulator keeps its data in the chosen folder');

  assert.equal(await stop(run.child, run.exited), 0);
  assert.equal(await reachable(emulatorUrl!), false, 'the emulator was stopped with the daemon');
  assert.doesNotMatch(run.output(), /The emulator stopped/, 'the emulator did not die on its own');
});

test('a PiecesOS that answers is used; no emulator is started', async (t) => {
  if (electronInstalled) return t.skip('the Electron runtime is installed here, so npm start would open the tray app instead of the daemon');
  const dir = await mkdtemp(join(tmpdir(), 'pb-start-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A minimal stand-in PiecesOS: healthy, version, an empty backup list; anything else 404.
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/health') return res.end('ok:test-instance');
    if (req.url === '/.well-known/version') return res.end('12.0.0');
    if (req.url === '/backups') { res.setHeader('content-type', 'application/json'); return res.end('{"iterable":[]}'); }
    res.statusCode = 404;
    res.end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;

  const run = startScript(dir, { PIECES_BACKUP_DISCOVERY_PORTS: `1,${port}` });
  await run.waitFor(new RegExp(`Using PiecesOS at http://127\\.0\\.0\\.1:${port}`));
  await run.waitFor(/daemon started/i);
  assert.doesNotMatch(run.output(), /Emulator|Demo mode/);
  assert.equal(existsSync(join(dir, 'emulator')), false);
  assert.equal(await stop(run.child, run.exited), 0);
});

test('a PiecesOS URL saved in Settings is used as is; discovery and the emulator are skipped', async (t) => {
  if (electronInstalled) return t.skip('the Electron runtime is installed here, so npm start would open the tray app instead of the daemon');
  const dir = await mkdtemp(join(tmpdir(), 'pb-start-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { mkdir, writeFile } = await import('node:fs/promises');
  // The daemon reads the same folder: XDG_CONFIG_HOME/Pieces Backup/config.json.
  const cfg = join(dir, 'config', 'Pieces Backup');
  await mkdir(cfg, { recursive: true });
  await writeFile(join(cfg, 'config.json'), JSON.stringify({ piecesOsUrl: 'http://127.0.0.1:9/' }));
  const run = startScript(dir, {});
  await run.waitFor(/Using PiecesOS at http:\/\/127\.0\.0\.1:9 \(saved in Settings\)/);
  await run.waitFor(/daemon started/i);
  assert.doesNotMatch(run.output(), /Emulator/);
  assert.equal(existsSync(join(dir, 'emulator')), false);
  assert.equal(await stop(run.child, run.exited), 0);
});
