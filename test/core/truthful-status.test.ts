// The core tells the truth about the connection and the last failure: "not reachable" only when
// PiecesOS does not answer its health check; a failure stays in every new snapshot (a reopened
// window) until a later success; "not signed in" ends with the first list that succeeds. The
// real core against the emulator over loopback, with real settings and history files.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Faults } from '../../emulator/server.js';
import { createAppCore, type FullAppCore } from '../../main/core/app-core.js';
import type { Snapshot } from '../../main/ipc/contract.js';
import type { HistoryEntry } from '../../main/engine/types.js';

async function waitFor(pred: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(10);
  }
}

async function rig(t: TestContext, faults: Faults) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-truthful-core-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined, faults });
  const open = () => createAppCore({ configDir: join(dir, 'cfg'), url: emu.url });
  const cores: FullAppCore[] = [];
  t.after(async () => {
    for (const c of cores) await c.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async () => {
    const core = await open();
    cores.push(core);
    // Retries would start more runs: this test is about what one failure leaves behind.
    assert.ok((await core.handle('settings:update', { schedule: { kind: 'off' }, retries: { maxRetries: 0, baseDelaySeconds: 30, maxDelaySeconds: 900 } })).ok);
    await core.start();
    return core;
  };
  /** One backup from the window's button, to its end. */
  const backUp = async (core: FullAppCore): Promise<HistoryEntry> => {
    const ended = new Promise<HistoryEntry>((resolve) => core.engine.on('run-finished', (ev) => resolve(ev.entry)));
    assert.deepEqual(await core.handle('backups:create', undefined), { ok: true, value: { started: true } });
    return ended;
  };
  const snapshot = async (core: FullAppCore): Promise<Snapshot> => {
    const r = await core.handle('app:snapshot', undefined);
    assert.ok(r.ok);
    return r.value as Snapshot;
  };
  return { emu, start, backUp, snapshot };
}

test('a connection dropped mid-backup while PiecesOS answers is not "not reachable"; PiecesOS gone is', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { dropAtPercent: 50 });
  const core = await r.start();
  const entry = await r.backUp(core);
  assert.equal(entry.error?.kind, 'connection-lost');
  // The health check answers: give a wrong "not reachable" the time to arrive, then look.
  await sleep(300);
  const snap = await r.snapshot(core);
  assert.equal(snap.connection.reachable, true, 'PiecesOS answers its health check');
  assert.equal(snap.state.phase, 'error');
  assert.equal(snap.state.lastError?.kind, 'connection-lost');

  // PiecesOS is really gone now: that one is "not reachable".
  await r.emu.close();
  const down = await r.backUp(core);
  assert.equal(down.result, 'failed');
  await waitFor(async () => !(await r.snapshot(core)).connection.reachable, 'the connection to be reported unreachable');
  assert.equal((await r.snapshot(core)).state.phase, 'offline');
});

test('the last failure is in every new snapshot, also after a restart, until a later success', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { failAtPercent: 30 });
  const first = await r.start();
  const entry = await r.backUp(first);
  assert.equal(entry.result, 'failed');
  // A window opened later (a new snapshot) still shows it.
  assert.equal((await r.snapshot(first)).state.lastError?.kind, 'backup-failed');
  await first.stop();
  // The app starts again: the window it opens shows the failure too.
  const second = await r.start();
  const snap = await r.snapshot(second);
  assert.equal(snap.state.lastError?.kind, 'backup-failed');
  assert.equal(snap.state.phase, 'error');
  // A list that works does not hide it; a backup that works does.
  assert.ok((await second.handle('backups:list', undefined)).ok);
  assert.equal((await r.snapshot(second)).state.lastError?.kind, 'backup-failed');
  r.emu.setFaults({});
  assert.equal((await r.backUp(second)).result, 'completed');
  assert.equal((await r.snapshot(second)).state.lastError, null);
});

test('"not signed in" clears as soon as a list succeeds (a check), without a backup', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { notSignedIn: true });
  const first = await r.start();
  assert.equal((await r.backUp(first)).error?.kind, 'not-signed-in');
  await first.stop();
  // Signed in meanwhile; the app starts again and its window asks for the list.
  r.emu.setFaults({});
  const second = await r.start();
  const snap = await r.snapshot(second);
  assert.equal(snap.backupsError, null);
  assert.equal(snap.state.lastError, null, 'the list succeeded, so "not signed in" is no longer shown');
  assert.equal(second.engine.getState().phase, 'idle');
});
