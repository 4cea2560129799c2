// The daemon's file log: everything it prints also goes to daemon.log in the settings folder
// (capped and rotated, main/shared/file-log.ts), where it can be read when nobody watched stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { startAndStopDaemon } from '../helpers/daemon.js';

test('the daemon writes its log lines to daemon.log in the settings folder', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-daemon-log-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {} });
  // One hook, emulator first: a failed removal must never leave the emulator (and so this test
  // file's process) running.
  t.after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  const cfg = join(dir, 'cfg');
  const { code, lines } = await startAndStopDaemon(cfg, emu.url);
  assert.equal(code, 0);
  const log = readFileSync(join(cfg, 'daemon.log'), 'utf8');
  assert.match(log, /^\S+Z .*Pieces Backup daemon started/m);
  assert.match(log, /Pieces Backup daemon stopped\./);
  assert.equal(log.trim().split('\n').length, lines.length, 'every line printed is in the file');
});
