// A fresh backup list: the core refreshes it when another process on the same settings folder
// backs up, restores, deletes or prunes (its history and deletion log change), when a window
// opens (the cached list answers at once), and says "already deleted" for a backup that is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { createAppCore, type FullAppCore } from '../../main/core/app-core.js';
import { coalesceRefresh, MIN_REFRESH_INTERVAL_MS } from '../../main/core/list-refresh.js';
import { ManualClock } from '../../main/engine/clock.js';
import { openDeletionLog, openHistory } from '../../main/engine/history.js';
import type { Backup, Snapshot } from '../../main/ipc/contract.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { runCliProcess } from '../helpers/cli.js';

async function withCore(fn: (c: { core: FullAppCore; emu: RunningEmulator; configDir: string }) => Promise<void>, seed = 3): Promise<void> {
  await withTempDir('list-refresh', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined, deviceName: 'this-box' });
    const configDir = join(dir, 'cfg');
    await mkdir(configDir, { recursive: true });
    const core = await createAppCore({ configDir, url: emu.url });
    try {
      if (seed) await emu.seed(seed, { deviceName: 'elsewhere' });
      await core.start();
      await fn({ core, emu, configDir });
    } finally {
      await core.stop();
      await emu.close();
    }
  });
}

async function emulatorIds(emu: RunningEmulator): Promise<string[]> {
  const body = (await (await fetch(`${emu.url}/backups`)).json()) as { iterable: { id: string }[] };
  return body.iterable.map((b) => b.id);
}

async function deleteInEmulator(emu: RunningEmulator, id: string): Promise<void> {
  const res = await fetch(`${emu.url}/backups/${encodeURIComponent(id)}/delete`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.ok(res.ok, `emulator delete answered ${res.status}`);
}

/** The next event:backups whose list satisfies `pred`; fails (not hangs) after `ms`. */
function nextList(core: FullAppCore, pred: (list: Backup[]) => boolean, what: string, ms = 10_000): Promise<Backup[]> {
  const p = new Promise<Backup[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no refreshed list (${what}) within ${ms} ms`));
    }, ms);
    const off = core.on('event:backups', (list) => {
      if (!pred(list)) return;
      clearTimeout(timer);
      off();
      resolve(list);
    });
  });
  // Awaited by the test; a test that fails earlier must not leave it unhandled.
  p.catch(() => undefined);
  return p;
}

async function snapshotOf(core: FullAppCore): Promise<Snapshot> {
  const r = await core.handle('app:snapshot', undefined);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value as Snapshot;
}

test('coalesced refresh: a burst of requests runs once, a request during a run gets one more run, never twice within the interval', async () => {
  const clock = new ManualClock();
  const starts: number[] = [];
  let release: (() => void) | null = null;
  const r = coalesceRefresh(
    () => {
      starts.push(clock.now());
      return new Promise<number>((resolve) => (release = () => resolve(starts.length)));
    },
    { clock, fallback: () => -1 },
  );
  const first = [r.request(), r.request(), r.request()];
  await new Promise((res) => setImmediate(res));
  assert.equal(starts.length, 1, 'a burst starts one run');
  const during = r.request();
  release!();
  assert.deepEqual(await Promise.all(first), [1, 1, 1]);
  await new Promise((res) => setImmediate(res));
  assert.equal(starts.length, 1, 'the follow-up waits for the interval');
  assert.equal(clock.pendingTimers, 1);
  await clock.advance(MIN_REFRESH_INTERVAL_MS);
  assert.equal(starts.length, 2, 'a request made during a run gets a run of its own');
  assert.ok(starts[1]! - starts[0]! >= MIN_REFRESH_INTERVAL_MS);
  release!();
  assert.equal(await during, 2);
  r.close();
  assert.equal(await r.request(), -1, 'closed: no more runs');
  assert.equal(clock.pendingTimers, 0);
});

test('the list refreshes by itself after the CLI backs up on the same settings folder', { timeout: 60_000 }, async () => {
  await withCore(async ({ core, emu, configDir }) => {
    const before = (await snapshotOf(core)).backups!;
    assert.equal(before.length, 3);
    const fresh = nextList(core, (l) => l.length === 4, 'after pieces-backup create', 30_000);
    const run = await runCliProcess(['--url', emu.url, '--config-dir', configDir, '--json', 'create']);
    assert.equal(run.code, 0, run.stderr);
    const list = await fresh;
    assert.deepEqual(list.map((b) => b.id).sort(), (await emulatorIds(emu)).sort());
    const snap = await snapshotOf(core);
    assert.equal(snap.backups!.length, 4);
    assert.ok(snap.backupsUpdatedAt, 'the snapshot says when the list was read');
  });
});

test('the list refreshes after another process deletes a backup and writes the deletion log or the history', { timeout: 30_000 }, async () => {
  await withCore(async ({ core, emu, configDir }) => {
    const [a, b] = (await snapshotOf(core)).backups!;
    // Another process prunes: it deletes in PiecesOS, then records the deletion.
    await deleteInEmulator(emu, a!.id);
    const afterPrune = nextList(core, (l) => !l.some((x) => x.id === a!.id), 'after the deletion log changed');
    await openDeletionLog(configDir).record({ at: new Date().toISOString(), backupId: a!.id, created: a!.created, deviceName: a!.deviceName, bytes: a!.bytes, reason: 'kept the newest 2' });
    assert.equal((await afterPrune).length, 2);
    // Another process's run ends: it records it in the history.
    await deleteInEmulator(emu, b!.id);
    const afterRun = nextList(core, (l) => !l.some((x) => x.id === b!.id), 'after the history changed');
    const at = new Date().toISOString();
    await openHistory(configDir).record({ trigger: 'manual', result: 'completed', startedAt: at, finishedAt: at });
    assert.equal((await afterRun).length, 1);
  });
});

test('the list refreshes after pieces-backup delete on the same settings folder, and another app hears of a window\'s delete', { timeout: 60_000 }, async () => {
  await withCore(async ({ core, emu, configDir }) => {
    const [a, b] = (await snapshotOf(core)).backups!;
    const afterCli = nextList(core, (l) => !l.some((x) => x.id === a!.id), 'after pieces-backup delete', 30_000);
    const run = await runCliProcess(['--url', emu.url, '--config-dir', configDir, '--json', 'delete', a!.id, '--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await afterCli).length, 2);
    // A second app on the same folder (e.g. the tray app and a preview): a delete in one refreshes the other.
    const other = await createAppCore({ configDir, url: emu.url });
    try {
      await other.start();
      const afterOther = nextList(core, (l) => !l.some((x) => x.id === b!.id), "after the other app's delete");
      assert.deepEqual(await other.handle('backups:delete', { id: b!.id }), { ok: true, value: { deleted: b!.id, alreadyDeleted: false } });
      assert.equal((await afterOther).length, 1);
    } finally {
      await other.stop();
    }
  });
});

test('a window that opens gets the cached list at once; backups:list refreshes the cache every window is given', { timeout: 30_000 }, async () => {
  await withCore(async ({ core, emu }) => {
    const first = await snapshotOf(core);
    assert.equal(first.backups!.length, 3);
    const firstAt = first.backupsUpdatedAt;
    assert.ok(firstAt);
    // Changed where no file of ours tells: only listing again shows it.
    await deleteInEmulator(emu, first.backups![0]!.id);
    const reopened = await snapshotOf(core);
    assert.equal(reopened.backups!.length, 3, 'the cached list, without waiting for PiecesOS');
    assert.equal(reopened.backupsUpdatedAt, firstAt, 'and when it was read');
    // The window asks for a fresh list; every listener hears it, and the next window starts from it.
    const fresh = nextList(core, (l) => l.length === 2, 'after backups:list');
    const listed = await core.handle('backups:list', undefined);
    assert.ok(listed.ok && (listed.value as Backup[]).length === 2);
    await fresh;
    const later = await snapshotOf(core);
    assert.equal(later.backups!.length, 2);
    assert.ok(Date.parse(later.backupsUpdatedAt!) >= Date.parse(firstAt));
  });
});

test('deleting a backup that is already gone answers "already deleted" and refreshes the list', { timeout: 30_000 }, async () => {
  await withCore(async ({ core, emu }) => {
    const [gone, kept] = (await snapshotOf(core)).backups!;
    await deleteInEmulator(emu, gone!.id);
    const fresh = nextList(core, (l) => !l.some((x) => x.id === gone!.id), 'after the delete');
    const r = await core.handle('backups:delete', { id: gone!.id });
    assert.deepEqual(r, { ok: true, value: { deleted: gone!.id, alreadyDeleted: true } });
    await fresh;
    // A backup that exists is still deleted as before.
    const ok = await core.handle('backups:delete', { id: kept!.id });
    assert.deepEqual(ok, { ok: true, value: { deleted: kept!.id, alreadyDeleted: false } });
    assert.ok(!(await emulatorIds(emu)).includes(kept!.id));
  });
});
