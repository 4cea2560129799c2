// `pieces-backup status` from the built CLI: read from the shared settings folder (real history,
// settings and run-marker files) without starting an engine, and whether PiecesOS (the emulator
// over loopback, or a closed port) answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { openHistory } from '../../main/engine/history.js';
import { RUN_MARKER_FILE } from '../../main/engine/interrupted.js';
import { processStartOf } from '../../main/engine/process-identity.js';
import { openSettings } from '../../main/settings/store.js';
import type { HistoryEntry } from '../../main/engine/types.js';
import { runCliProcess } from '../helpers/cli.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function closedUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

async function folder(o: { history?: HistoryEntry[]; scheduleSetAt?: string; pause?: string } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-status-'));
  const settings = openSettings({ configDir: dir });
  if (o.scheduleSetAt) await settings.setScheduleSetAt(o.scheduleSetAt);
  if (o.pause) await settings.setPause(o.pause);
  settings.close();
  const history = openHistory(dir);
  for (const e of o.history ?? []) await history.record(e);
  return dir;
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

test('status --json: owed and overdue from the history, the last success and failure, the next run; PiecesOS not answering', async (t) => {
  const dir = await folder({
    scheduleSetAt: ago(30 * DAY),
    history: [
      { trigger: 'manual', result: 'completed', startedAt: ago(4 * DAY + HOUR), finishedAt: ago(4 * DAY + HOUR), bytes: 2048, backupId: 'b1' },
      { trigger: 'scheduled', result: 'failed', startedAt: ago(2 * DAY), finishedAt: ago(2 * DAY), error: { kind: 'unreachable', message: 'PiecesOS is not reachable.' } },
    ],
  });
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r = await runCliProcess(['--config-dir', dir, '--url', await closedUrl(), '--json', 'status']);
  assert.equal(r.code, 0, r.stderr);
  const st = JSON.parse(r.stdout);
  assert.equal(st.state, 'owed');
  assert.equal(st.owed.since, st.lastFailure.at);
  assert.equal(st.overdue.days, 4);
  assert.deepEqual(st.lastSuccess, { at: st.overdue.since, bytes: 2048, backupId: 'b1' });
  assert.equal(st.lastFailure.kind, 'unreachable');
  assert.equal(st.running, null);
  assert.equal(st.pausedUntil, null);
  assert.ok(Date.parse(st.nextRun) > Date.now(), 'the next daily run is ahead');
  assert.equal(st.piecesOs.reachable, false);

  const text = await runCliProcess(['--config-dir', dir, '--url', await closedUrl(), 'status']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^State: +Will back up when PiecesOS is available$/m);
  assert.match(text.stdout, /No backup for 4 days/);
  assert.match(text.stdout, /^Last failure: .*PiecesOS is not reachable\.$/m);
  assert.match(text.stdout, /^PiecesOS: .*\(not answering\)$/m);
});

test('status: a run in flight in another process, paused until resumed, and PiecesOS answering', async (t) => {
  const emu = await startEmulator({ port: 0, dataDir: await mkdtemp(join(tmpdir(), 'pb-status-emu-')), log: () => undefined });
  const dir = await folder({ scheduleSetAt: ago(HOUR), pause: 'resume' });
  t.after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const paused = JSON.parse((await runCliProcess(['--config-dir', dir, '--url', emu.url, '--json', 'status'])).stdout);
  assert.equal(paused.state, 'paused');
  assert.equal(paused.pausedUntil, 'resume');
  assert.equal(paused.nextRun, null);
  assert.equal(paused.overdue, null);
  assert.equal(paused.piecesOs.reachable, true);
  assert.equal(paused.piecesOs.url, emu.url);

  // This test's own process stands for an app making a scheduled backup (the marker names a live process).
  const start = await processStartOf(process.pid);
  const startedAt = ago(1000);
  await writeFile(join(dir, RUN_MARKER_FILE), JSON.stringify({ trigger: 'scheduled', startedAt, pid: process.pid, host: hostname(), ...(start ? { start } : {}) }));
  const running = JSON.parse((await runCliProcess(['--config-dir', dir, '--url', emu.url, '--json', 'status'])).stdout);
  assert.equal(running.state, 'running');
  assert.deepEqual(running.running, { trigger: 'scheduled', startedAt, pid: process.pid });
  const text = await runCliProcess(['--config-dir', dir, '--url', emu.url, 'status']);
  assert.match(text.stdout, /^State: +Running \(scheduled\): the backup started by process \d+ at .+$/m);
  assert.match(text.stdout, /^Next backup: +none \(paused until resumed\)$/m);
  assert.match(text.stdout, /\(answering\)$/m);
});
