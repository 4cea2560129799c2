// The live watch in the core, against the emulator over loopback: a backup another client starts
// (a plain HTTP request) shows in the engine's state as an external run with its percentage, no
// backup starts here meanwhile, and its completion refreshes the list. And the engine side: a
// scheduled backup that comes due during another client's run runs once it is over (ManualClock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAppCore } from '../../main/core/app-core.js';
import { startLiveWatch } from '../../main/core/live-watch.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { openSettings } from '../../main/settings/store.js';
import type { EngineState } from '../../main/engine/types.js';
import type { Backup } from '../../main/api/wire.js';
import { startEmulator } from '../../emulator/server.js';
import { makeSource, tempDir, until } from '../emulator/helpers.js';

test('a backup started by another client shows as an external run with its percentage; nothing starts here meanwhile; its end refreshes the list', async (t) => {
  const root = await tempDir(t, 'pb-live-');
  const { dir } = await makeSource(root);
  const emu = await startEmulator({ dataDir: join(root, 'emu'), source: dir, bytesPerSecond: 256 * 1024, log: () => undefined });
  t.after(() => emu.close());
  const core = await createAppCore({ configDir: join(root, 'cfg'), url: emu.url });
  const states: EngineState[] = [];
  const lists: Backup[][] = [];
  core.on('event:state', (s) => states.push(s));
  core.on('event:backups', (l) => lists.push(l));
  await core.start();
  t.after(() => core.stop());
  // Whenever the watch connects, PiecesOS first says what runs now, so no wait for it is needed.

  // Another client (e.g. Pieces Desktop) backs up.
  const other = fetch(`${emu.url}/backups/create`, { method: 'POST' }).then(async (r) => (await r.json()) as { id: string });
  await until(() => (core.engine.getState().external?.percentage ?? 0) > 0, 10_000);
  assert.equal(core.engine.getState().external?.kind, 'backup');
  assert.equal(core.engine.getState().running, null, 'not our run');
  assert.ok(states.some((s) => s.external?.kind === 'backup'), 'the tray and window hear of it');
  assert.deepEqual(core.engine.backupNow('manual'), { started: false, reason: 'already-running' }, 'no second backup while PiecesOS makes one');

  const made = await other;
  await until(() => core.engine.getState().external === null, 10_000);
  await until(() => lists.some((l) => l.some((b) => b.id === made.id)), 10_000);
});

test('engine: a scheduled backup due during another client\'s run waits for it, then runs once', async (t) => {
  const root = await tempDir(t, 'pb-live-engine-');
  const { dir } = await makeSource(root);
  const emu = await startEmulator({ dataDir: join(root, 'emu'), source: dir, log: () => undefined });
  t.after(() => emu.close());
  const clock = new ManualClock(new Date(2026, 10, 27, 9, 30, 0).getTime());
  const cfg = join(root, 'cfg');
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  await settings.update({ schedule: { kind: 'hourly' }, catchUp: false });
  await settings.setScheduleSetAt(new Date(clock.now()).toISOString());
  const history = openHistory(cfg);
  const api = createClient({ baseUrl: emu.url, timeoutMs: 5000 });
  const engine = new BackupEngine({ api: async () => api, settings, history, clock, identity: openDeviceIdentity(cfg, { now: () => clock.now() }) });
  let starts = 0;
  engine.on('run-started', () => starts++);
  await engine.start();
  t.after(() => engine.stop());

  engine.setExternalRun({ kind: 'backup', percentage: 12 });
  assert.deepEqual(engine.getState().external, { kind: 'backup', percentage: 12, seenSince: new Date(clock.now()).toISOString() });
  await clock.advance(31 * 60_000); // 10:00 came and went
  assert.equal(starts, 0, 'nothing started while the other client backs up');
  assert.equal(engine.getState().running, null);

  engine.setExternalRun(null);
  await until(() => starts === 1 && engine.getState().running === null, 10_000);
  const runs = await history.list();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.trigger, 'scheduled');
  assert.equal(runs[0]?.result, 'completed');
  engine.setExternalRun({ kind: 'restore', percentage: null });
  engine.setExternalRun(null);
  assert.equal(starts, 1, 'at most one, whatever ended');
});

test('startLiveWatch: a run that leaves the list without a final status counts as ended; our own run is not external; losing PiecesOS clears it', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const peers: WebSocket[] = [];
  wss.on('connection', (ws) => peers.push(ws));
  const externals: unknown[] = [];
  const ended: unknown[] = [];
  let own = false;
  const live = startLiveWatch({
    baseUrl: () => `http://127.0.0.1:${port}`,
    ownRunActive: () => own,
    onExternal: (r) => externals.push(r),
    onRunEnded: (r) => ended.push(r),
    delaysMs: [60_000],
  });
  t.after(() => {
    live.stop();
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  await until(() => peers.length > 0 && live.status === 'open');
  const send = (m: unknown) => peers[0]?.send(JSON.stringify(m));
  send({ backups: [{ status: 'IN-PROGRESS', percentage: 10 }] });
  send({ backups: [{ status: 'IN-PROGRESS', percentage: 10 }], extra: 'same again' });
  send({ backups: [], restorations: [] });
  await until(() => ended.length === 1);
  assert.deepEqual(externals, [{ kind: 'backup', percentage: 10 }, null], 'told once per change');
  assert.deepEqual(ended, [{ kind: 'backup', status: 'UNKNOWN' }]);

  own = true;
  send({ restorations: [{ status: 'IN-PROGRESS', percentage: 5 }] });
  send({ restorations: [{ status: 'COMPLETED', percentage: 100 }] });
  await until(() => ended.length === 2);
  assert.deepEqual(externals, [{ kind: 'backup', percentage: 10 }, null], 'our own restore is not another app\'s');
  assert.deepEqual(ended[1], { kind: 'restore', status: 'COMPLETED' });

  own = false;
  send({ restorations: [{ status: 'IN-PROGRESS', percentage: 50 }] });
  await until(() => externals.length === 3);
  peers[0]?.terminate();
  await until(() => externals.length === 4);
  assert.deepEqual(externals.slice(2), [{ kind: 'restore', percentage: 50 }, null], 'PiecesOS gone: nothing holds the engine back');
});
