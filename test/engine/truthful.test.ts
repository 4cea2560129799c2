// The engine tells the truth about how a backup ended: a stream that dropped while PiecesOS went
// on and finished the backup is recorded as made (not made twice); a retry says when and which
// attempt it is; a connection that dropped is not "offline"; "not signed in" ends with a list
// that succeeds. Real parts: the emulator over loopback, the real client, real files; a small
// loopback proxy plays the network that drops the app's side of the stream while PiecesOS (the
// emulator) keeps its own side and finishes the work. Time is a ManualClock for the retries.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Faults } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { FINISHED_ANYWAY } from '../../main/engine/backup-run.js';
import { openHistory } from '../../main/engine/history.js';
import { openSettings } from '../../main/settings/store.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { waitFor } from '../helpers/wait.js';

const START = new Date(2026, 10, 27, 9, 0, 0).getTime();

interface ProxyOptions {
  /** Cut the app's side of the streamed create once a value at or past this percentage went by. */
  cutAt: number | null;
  /** Take the emulator's extra `backup_id` out of the values, as a PiecesOS that names nothing mid-run. */
  hideIds: boolean;
}

/** A loopback proxy in front of the emulator: everything passes, except that the streamed create
 * may be cut on the app's side while the emulator's side is read to its end (the backup goes on). */
async function startProxy(target: string, o: ProxyOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const up = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (upRes) => {
      const streamed = req.url === '/backups/create/streamed';
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (!streamed) return void upRes.pipe(res);
      let buffered = '';
      let cut = false;
      upRes.setEncoding('utf8');
      upRes.on('data', (chunk: string) => {
        if (cut) return; // read on, so the emulator sees its client still there and finishes
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (let line of lines) {
          if (o.hideIds) line = line.replace(/,?"backup_id":"[^"]*"/g, '');
          res.write(`${line}\n`);
          const pct = /"percentage":(\d+)/.exec(line);
          if (o.cutAt !== null && pct && Number(pct[1]) >= o.cutAt && Number(pct[1]) < 100) {
            cut = true;
            req.socket.destroy();
            return;
          }
        }
      });
      upRes.on('end', () => {
        if (!cut) res.end(buffered);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function rig(t: TestContext, o: { proxy?: ProxyOptions; faults?: Faults; maxRetries?: number; stallTimeoutMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-truthful-'));
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.txt'), 'pieces backup truthful status test data\n'.repeat(6000));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), source, deviceName: 'laptop', log: () => undefined, bytesPerSecond: 400_000, faults: o.faults ?? {} });
  const proxy = o.proxy ? await startProxy(emu.url, o.proxy) : null;
  const client = createClient({ baseUrl: proxy?.url ?? emu.url, timeoutMs: 5000, stallTimeoutMs: o.stallTimeoutMs ?? 10_000 });
  const direct = createClient({ baseUrl: emu.url, timeoutMs: 5000 });
  const clock = new ManualClock(START);
  const cfg = join(dir, 'cfg');
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  await settings.update({ schedule: { kind: 'off' }, retries: { maxRetries: o.maxRetries ?? 3, baseDelaySeconds: 60, maxDelaySeconds: 900 } });
  const history = openHistory(cfg);
  const identity = openDeviceIdentity(cfg, { now: () => clock.now() });
  const make = () => new BackupEngine({ api: async () => client, settings, history, clock, identity });
  const engine = make();
  let starts = 0;
  engine.on('run-started', () => starts++);
  t.after(async () => {
    await engine.stop();
    await proxy?.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    emu, engine, clock, history, make,
    get starts() {
      return starts;
    },
    untilIdle: () => waitFor(() => engine.getState().running === null, 'the run in flight to end'),
    emulatorIdle: () => waitFor(async () => !((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy, 'the emulator to finish'),
    backups: () => direct.list(),
  };
}

test('a dropped stream whose backup PiecesOS finished anyway is recorded as made, once (creation/status for the id PiecesOS named)', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { proxy: { cutAt: 30, hideIds: false } });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  const entry = await started.done;
  await r.emulatorIdle();
  const made = await r.backups();
  assert.equal(made.length, 1, 'exactly one backup: none made again');
  assert.equal(entry.result, 'completed');
  assert.equal(entry.backupId, made[0]!.id);
  assert.equal(entry.bytes, made[0]!.bytes);
  assert.equal(entry.note, FINISHED_ANYWAY);
  const s = r.engine.getState();
  assert.equal(s.retry, null, 'no retry is scheduled for a backup that was made');
  assert.equal(s.lastError, null);
  assert.equal(s.lastSuccess?.backupId, made[0]!.id);
  assert.equal(r.starts, 1);
});

test('without an id, the retry first compares the list with what existed before: the finished backup is recorded, not made again', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { proxy: { cutAt: 30, hideIds: true } });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  const first = await started.done;
  // Right after the drop PiecesOS is still at it, and nothing new is in the list yet: a retry is due.
  assert.equal(first.result, 'failed');
  assert.equal(first.error?.kind, 'connection-lost');
  assert.ok(r.engine.getState().retry);
  await r.emulatorIdle();
  const made = await r.backups();
  assert.equal(made.length, 1);
  await r.clock.advance(60_000);
  await waitFor(async () => (await r.history.list()).length === 2, 'the retry to be recorded');
  await r.untilIdle();
  const [retry] = await r.history.list();
  assert.equal(retry!.trigger, 'retry');
  assert.equal(retry!.result, 'completed');
  assert.equal(retry!.backupId, made[0]!.id);
  assert.equal(retry!.note, FINISHED_ANYWAY);
  assert.equal((await r.backups()).length, 1, 'the retry made no second backup');
  assert.equal(r.engine.getState().lastError, null);
  assert.equal(r.engine.getState().retry, null);
});

test('a stream that dropped because the backup really stopped is still retried, with "attempt 2 of 4" in the state', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { faults: { dropAtPercent: 30 }, maxRetries: 3 });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  const entry = await started.done;
  assert.equal(entry.result, 'failed');
  assert.equal(entry.error?.kind, 'connection-lost');
  const s = r.engine.getState();
  assert.deepEqual(s.retry, { at: new Date(START + 60_000).toISOString(), attempt: 1, attempts: 4 });
  // PiecesOS answered: a dropped stream is an error to show, not "PiecesOS is offline".
  assert.equal(s.phase, 'error');
  assert.equal((await r.backups()).length, 0);
});

test('a stalled backup that PiecesOS then dropped is asked about (creation/status) and retried, not recorded as made', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { faults: { stallAtPercent: 40 }, stallTimeoutMs: 500 });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  const entry = await started.done;
  assert.equal(entry.result, 'failed');
  assert.equal(entry.error?.kind, 'stalled');
  assert.equal(r.engine.getState().retry?.attempt, 1);
  await r.emulatorIdle();
  assert.equal((await r.backups()).length, 0);
});

test('"not signed in" from the last run (also read back from the history at a restart) clears once a list succeeds', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { faults: { notSignedIn: true } });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  await started.done;
  assert.equal(r.engine.getState().lastError?.kind, 'not-signed-in');
  await r.engine.stop();
  // The app starts again: the failure comes back from the history (it is still true).
  const again = r.make();
  t.after(() => again.stop());
  await again.start();
  assert.equal(again.getState().lastError?.kind, 'not-signed-in');
  assert.equal(again.getState().phase, 'error');
  // The person signed in; a list call succeeds: that is proof enough.
  r.emu.setFaults({});
  again.listSucceeded();
  assert.equal(again.getState().lastError, null);
  assert.equal(again.getState().phase, 'idle');
});

test('a list that succeeds does not hide another kind of failure (only a later success does)', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { faults: { failAtPercent: 20 } });
  await r.engine.start();
  const started = r.engine.backupNow();
  assert.ok(started.started);
  await started.done;
  const before = r.engine.getState().lastError;
  assert.equal(before?.kind, 'backup-failed');
  r.engine.listSucceeded();
  assert.deepEqual(r.engine.getState().lastError, before);
});
