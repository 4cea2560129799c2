// The client's restore, status and cancel calls against the emulator over loopback: real restores
// of its local database, a confirmed cancel that leaves the original data, and the refusals.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient, type HttpBackupsClient } from '../../main/api/client.js';
import type { BackupProgress } from '../../main/api/wire.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/types.js';
import { archiveFilesOf, filesOf, makeSource, start, tempDir, until } from '../emulator/helpers.js';
import { rejectsKind } from '../helpers/api-errors.js';

interface Setup {
  emu: RunningEmulator;
  client: HttpBackupsClient;
  db: string;
  backupId: string;
  backupFiles: Record<string, string>;
  currentFiles: Record<string, string>;
}

/** An emulator with one backup made through the client, and its database changed since. */
async function setup(t: TestContext, opts: Partial<EmulatorOptions> = {}): Promise<Setup> {
  const parent = await tempDir(t);
  const { dir: db } = await makeSource(parent);
  const { emu, dataDir } = await start(t, { source: db, ...opts });
  const client = createClient({ baseUrl: emu.url, timeoutMs: 10_000, stallTimeoutMs: 10_000 });
  t.after(() => client.close());
  const made = await client.create();
  const backupFiles = await archiveFilesOf(path.join(dataDir, 'cloud', `${encodeURIComponent(made.id)}.tar.gz`));
  await writeFile(path.join(db, 'a.txt'), 'changed since the backup\n');
  await mkdir(path.join(db, 'later'));
  await writeFile(path.join(db, 'later', 'x.json'), '{}');
  return { emu, client, db, backupId: made.id, backupFiles, currentFiles: await filesOf(db) };
}

for (const framing of ['ndjson', 'sse', 'concat'] as const) {
  test(`restoreStreamed (${framing}) restores the backup over the emulator's database with live progress, a RESET included`, async (t) => {
    const s = await setup(t, { framing, bytesPerSecond: 2 * 1024 * 1024, faults: {} });
    s.emu.setFaults({ resetAtPercent: 30 });
    const target = await s.client.get(s.backupId);
    const seen: BackupProgress[] = [];
    const restored = await s.client.restoreStreamed(s.backupId, target, { onProgress: (p) => seen.push(p) });
    assert.equal(restored?.id, s.backupId);
    assert.equal(seen[0]?.status, 'INITIALIZED');
    assert.ok(seen.some((p) => p.status === 'RESET'));
    assert.ok(seen.filter((p) => p.status === 'IN-PROGRESS').length >= 3);
    assert.equal(seen.at(-1)?.status, 'COMPLETED');
    assert.deepEqual(await filesOf(s.db), s.backupFiles);
    assert.deepEqual(await s.client.restorationStatus(s.backupId), { status: 'COMPLETED', percentage: 100, backup: target });
  });
}

test('restore (not streamed) restores and answers the backup', async (t) => {
  const s = await setup(t);
  assert.equal((await s.client.restore(s.backupId)).id, s.backupId);
  assert.deepEqual(await filesOf(s.db), s.backupFiles);
});

test('aborting a streamed restore: the client cancels it, the emulator confirms with the original back in place', async (t) => {
  const s = await setup(t, { bytesPerSecond: 256 * 1024 });
  const ac = new AbortController();
  const run = s.client.restoreStreamed(s.backupId, undefined, {
    signal: ac.signal,
    onProgress: (p) => {
      if ((p.percentage ?? 0) >= 20) ac.abort();
    },
  });
  const e = await rejectsKind(run, 'canceled', /PiecesOS confirmed it and put the original data back/);
  assert.equal(e.cancelConfirmed, true);
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  const status = await s.client.restorationStatus(s.backupId);
  assert.equal(status.status, 'CANCELED');
  // Nothing is in progress any more: PiecesOS answers a cancel with 500, which the client says plainly.
  const refused = await rejectsKind(s.client.cancelRestoration(s.backupId), 'http', /did not cancel the restore \(HTTP 500: No restore is in progress, so there is nothing to cancel\.\); it answers that when no restore is in progress/);
  assert.equal(refused.status, 500);
});

test('a failing restore is backup-failed and keeps the data; unknown and seeded backups are refused', async (t) => {
  const s = await setup(t);
  s.emu.setFaults({ failAtPercent: 50 });
  await rejectsKind(s.client.restoreStreamed(s.backupId), 'backup-failed', /the restore failed at 5\d%/);
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  s.emu.setFaults({});
  const missing = await rejectsKind(s.client.get('no-such-id'), 'http', /There is no backup with id "no-such-id"/);
  assert.equal(missing.status, 404);
  await s.emu.seed(1, { deviceName: 'old-laptop' });
  const seeded = (await s.client.list()).find((b) => b.deviceName === 'old-laptop')!;
  const refused = await rejectsKind(s.client.restoreStreamed(seeded.id, seeded), 'http', /HTTP 422: .*has no data in the emulator/);
  assert.equal(refused.status, 422);
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
});

test('creationStatus and cancelCreation follow and stop a create in progress (id "current"): it ends canceled, nothing added', async (t) => {
  const s = await setup(t, { bytesPerSecond: 256 * 1024 });
  const before = await s.client.list();
  let running = false;
  const made = s.client.createStreamed({ onProgress: (p) => (running ||= p.status === 'IN-PROGRESS') });
  await until(() => running);
  const status = await s.client.creationStatus('current');
  assert.equal(status.status, 'IN-PROGRESS');
  assert.notEqual(status.backup.id, s.backupId);
  const ended = rejectsKind(made, 'canceled', /PiecesOS canceled the backup/);
  // The emulator answers once the create has stopped and cleaned up.
  await s.client.cancelCreation(status.backup.id);
  await ended;
  assert.equal((await s.client.creationStatus(status.backup.id)).status, 'CANCELED');
  assert.deepEqual(await s.client.list(), before);
});
