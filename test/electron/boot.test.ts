// Boots the real Electron bundle (dist/electron/main.js) with the real core and settings store
// on the recording Electron stand-in (a module hook maps 'electron' to it), against the real
// emulator on loopback: the app resolves the emulator, answers IPC, labels the tray
// "Emulator", and quits cleanly. Catches wiring mistakes the unit tests cannot see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INVOKE_CHANNELS } from '../../main/ipc/contract.js';
import { startEmulator } from '../../emulator/server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(root, 'dist/electron/main.js');

test('the bundled main process boots on the stand-in against the emulator and quits cleanly', async (t) => {
  if (!existsSync(bundle)) return t.skip('dist/electron/main.js is not built: run npm run build');
  const dir = await mkdtemp(join(tmpdir(), 'pb-boot-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const emulator = await startEmulator({ port: 0, dataDir: join(dir, 'emulator') });
  t.after(() => emulator.close());

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/electron/fixtures/register-fake-electron.mjs', 'test/electron/fixtures/boot-driver.ts', bundle],
    {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), APPDATA: join(dir, 'config'),
        PIECES_BACKUP_SOURCE: 'emulator', PIECES_BACKUP_EMULATOR_URL: emulator.url, PIECES_OS_URL: emulator.url,
      },
    },
  );
  let out = '', err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  assert.equal(code, 0, `boot driver failed:\n${err}\n${out}`);
  const line = out.trim().split('\n').at(-1)!;
  const r = JSON.parse(line);

  assert.deepEqual([...r.channels].sort(), [...INVOKE_CHANNELS].sort());
  assert.equal(r.snapshot.ok, true);
  assert.deepEqual(r.snapshot.value.connection, { url: emulator.url, source: 'emulator', version: r.snapshot.value.connection.version, reachable: true });
  assert.equal(r.bad.ok, false);
  assert.equal(r.bad.error.kind, 'invalid-request');
  assert.match(r.tooltip, /^Pieces Backup \(Emulator\)\n/);
  assert.equal(r.menu[0], 'Demo mode — using the built-in emulator, not your Pieces data');
  assert.ok(r.menu.includes('Back up now') && r.menu.includes('Quit'));
  assert.ok(existsSync(r.images[0]), `tray icon ${r.images[0]} exists`);
  assert.equal(r.trayDestroyed, true);
  assert.ok(existsSync(join(dir, 'config', 'Pieces Backup')), 'settings live in the shared config folder');
  // The main process logs to a file in the settings folder (a packaged app's stderr goes nowhere).
  assert.match(readFileSync(join(dir, 'config', 'Pieces Backup', 'main.log'), 'utf8'), /Pieces Backup \S+ starting/);
});

test('a start-up that throws is logged in one sentence (to the log file too) and exits 1, never an uncaught error', async (t) => {
  if (!existsSync(bundle)) return t.skip('dist/electron/main.js is not built: run npm run build');
  const dir = await mkdtemp(join(tmpdir(), 'pb-boot-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/electron/fixtures/register-fake-electron.mjs', 'test/electron/fixtures/boot-driver.ts', bundle],
    {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), APPDATA: join(dir, 'config'), FAKE_ELECTRON_FAIL_SET_NAME: '1', BOOT_EXPECT_EXIT: '1' },
    },
  );
  let out = '', err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 0, `boot driver failed:\n${err}\n${out}`);
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)!), { exited: 1 });
  assert.match(err, /Pieces Backup could not start \(setName failed \(as the test asked\)\); see .*main\.log\./);
  assert.match(readFileSync(join(dir, 'config', 'Pieces Backup', 'main.log'), 'utf8'), /could not start/);
});
