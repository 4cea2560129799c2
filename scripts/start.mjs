#!/usr/bin/env node
// `npm start`: run the tray app against PiecesOS when one is found, otherwise against the
// emulator, in demo mode: its first line, the tray and the window say these are not the person's
// Pieces data. Where Electron's runtime or a display is missing, say so in
// one line and run the headless daemon instead, with the same emulator fallback.
// Env: PIECES_OS_URL (use this PiecesOS), PIECES_BACKUP_DISCOVERY_PORTS (comma-separated ports
// to probe instead of 39300–39333, 1000, 5323; empty = probe none), PIECES_BACKUP_EMULATOR_DIR
// (the emulator's data folder; default <config folder>/emulator).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
// The headless daemon waits for days between backups: without V8's optimising compiler and with a
// 1 MiB young generation it is ≈ 8 MiB lighter (bench/README.md, "Idle daemon"). Given on node's
// command line, where V8 flags belong (Node's docs warn that v8.setFlagsFromString after start-up
// "may result in unpredictable behavior, including crashes and data loss"). Not --lite-mode: it
// switches WebAssembly off, and Node's own fetch (undici's llhttp) then crashes the process.
const DAEMON_NODE_FLAGS = ['--no-opt', '--max-semi-space-size=1'];
const say = (line) => process.stdout.write(`${line}\n`);

/** The Electron binary when its runtime is installed (node_modules/electron/path.txt names it). */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const hasDisplay = () => process.platform === 'darwin' || process.platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);

function startEmulator(dataDir) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error('the emulator did not start within 30 s')); }, 30_000);
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) { clearTimeout(timer); child.stdout.resume(); resolve({ url: m[1], child }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the emulator exited (code ${code}) before listening`)); });
  });
}

function stopChild(child, ms = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, ms);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill('SIGTERM');
  });
}

async function main() {
  // The app and the daemon run from dist/: build it if this checkout has not been built yet.
  if (!['electron/main.js', 'cli.js', 'launcher.js'].every((f) => existsSync(join(root, 'dist', f)))) {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) { console.error('The build failed; fix the errors above and run npm start again.'); return 1; }
  }
  // Discovery and the settings folder come from the app's own modules, so they never disagree.
  const { findPiecesOs, defaultConfigDir, savedPiecesOsUrl, DEMO_MODE_TEXT } = await import(new URL('../dist/launcher.js', import.meta.url).href);

  let stopping = false;
  // A PiecesOS address saved in Settings is the person's choice: use it, never the emulator.
  const saved = savedPiecesOsUrl(defaultConfigDir());
  let url = saved ?? (await findPiecesOs(env, env.PIECES_BACKUP_DISCOVERY_PORTS));
  // Looked for first, so that a demo says so before anything else.
  if (!url) say(DEMO_MODE_TEXT);

  const electron = electronBinary();
  const reason = !electron
    ? "Electron's runtime is not installed (run: node node_modules/electron/install.js) — running the headless daemon instead."
    : !hasDisplay() ? 'No display found — running the headless daemon instead.' : null;
  if (reason) say(reason);

  let emulator = null;
  if (url) say(`Using PiecesOS at ${url}${saved ? ' (saved in Settings)' : ''}`);
  else {
    const dataDir = env.PIECES_BACKUP_EMULATOR_DIR || join(defaultConfigDir(), 'emulator');
    try {
      emulator = await startEmulator(dataDir);
    } catch (e) {
      console.error(`PiecesOS was not found and the emulator could not start (${e.message}); start PiecesOS and try again.`);
      return 1;
    }
    url = emulator.url;
    say(`PiecesOS not found — using the Emulator at ${url} (data in ${dataDir})`);
    emulator.child.once('exit', (code, signal) => { if (!stopping) say(`The emulator stopped (${signal ?? `code ${code}`}).`); });
  }

  // The address goes in PIECES_OS_URL (not --url), so a PiecesOS URL saved in Settings still wins.
  const childEnv = { ...env, PIECES_OS_URL: url, ...(emulator ? { PIECES_BACKUP_SOURCE: 'emulator', PIECES_BACKUP_EMULATOR_URL: url } : {}) };
  const app = reason
    ? spawn(process.execPath, [...DAEMON_NODE_FLAGS, join(root, 'bin', 'pieces-backup.js'), 'daemon'], { cwd: root, stdio: 'inherit', env: childEnv })
    : spawn(electron, [root], { cwd: root, stdio: 'inherit', env: childEnv });

  const forward = (signal) => {
    stopping = true;
    if (app.exitCode === null && app.signalCode === null) app.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));

  const [code, signal] = await new Promise((resolve) => app.once('exit', (c, s) => resolve([c, s])));
  stopping = true;
  await stopChild(emulator?.child);
  // Stopped by our own forwarded signal: that is a clean exit.
  if (signal === 'SIGINT' || signal === 'SIGTERM') return 0;
  return code ?? 1;
}

process.exitCode = await main();
