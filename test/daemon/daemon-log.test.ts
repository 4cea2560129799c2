// The daemon's file log: everything it prints also goes to daemon.log in the settings folder
// (capped and rotated, main/shared/file-log.ts), where it can be read when nobody watched stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../emulator/server.js';
import { runDaemon } from '../../main/daemon/daemon.js';

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
  const ac = new AbortController();
  const lines: string[] = [];
  const running = runDaemon({ configDir: cfg, url: emu.url, json: false, out: (l) => lines.push(l), signal: ac.signal });
  for (let i = 0; i < 200 && !lines.some((l) => /daemon started/.test(l)); i++) await sleep(10);
  ac.abort();
  assert.equal(await running, 0);
  const log = readFileSync(join(cfg, 'daemon.log'), 'utf8');
  assert.match(log, /^\S+Z .*Pieces Backup daemon started/m);
  assert.match(log, /Pieces Backup daemon stopped\./);
  assert.equal(log.trim().split('\n').length, lines.length, 'every line printed is in the file');
});
