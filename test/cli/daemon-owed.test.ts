// The issue's own scenario with real processes: the built daemon starts while PiecesOS is down,
// its catch-up backup cannot reach it (no retries configured), so one backup is owed; PiecesOS
// (the emulator) starts a little later on that address, and the daemon makes exactly one backup
// at its next check (the first comes a minute after the failure, so this test takes about a minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { openHistory } from '../../main/engine/history.js';
import { createClient } from '../../main/api/client.js';
import { CLI } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

test('a daemon started while PiecesOS is down backs up exactly once after PiecesOS appears', { timeout: 150_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-daemon-owed-'));
  const cfg = join(dir, 'cfg');
  const source = join(dir, 'source');
  await mkdir(cfg, { recursive: true });
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.txt'), 'pieces data\n'.repeat(100));
  await writeFile(join(cfg, 'config.json'), JSON.stringify({
    schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z', catchUp: true,
    retries: { maxRetries: 0, baseDelaySeconds: 30, maxDelaySeconds: 900 },
  }));
  const emuOpts = { dataDir: join(dir, 'emu'), source, deviceName: 'laptop', log: () => undefined };
  const first = await startEmulator({ port: 0, ...emuOpts });
  const { port, url } = first;
  await first.close(); // PiecesOS is not running when the daemon starts
  let emu: RunningEmulator | null = null;

  const child = spawn(process.execPath, [CLI, '--url', url, '--config-dir', cfg, '--json', 'daemon'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await emu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const history = openHistory(cfg);
  await waitFor(async () => (await history.list()).some((e) => e.result === 'failed'), 'the catch-up backup to fail', 20_000, 100);
  const failed = (await history.list()).find((e) => e.result === 'failed')!;
  assert.equal(failed.error?.kind, 'unreachable', out);

  emu = await startEmulator({ port, ...emuOpts });
  await waitFor(async () => (await history.list()).some((e) => e.result === 'completed'), 'the owed backup', 120_000, 100);
  await sleep(1000); // a second backup, if one were wrongly started, would show by now
  const runs = (await history.list()).reverse().map((e) => `${e.trigger}:${e.result}`);
  assert.deepEqual(runs, ['catch-up:failed', 'owed:completed'], out);
  assert.equal((await createClient({ baseUrl: url, timeoutMs: 5000 }).list()).length, 1, 'PiecesOS holds exactly one backup');

  child.kill('SIGTERM');
  assert.equal(await exited, 0, out);
});
