// Conformance: Pieces' own TypeScript SDK talks to the emulator and gets its own models back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BackupApi, BackupsApi, Configuration, ResponseError } from '@pieces.app/pieces-os-client';
import { archiveFilesOf, filesOf, makeSource, start, tempDir, until } from './helpers.js';

test('the @pieces.app/pieces-os-client BackupsApi lists, creates and deletes against the emulator', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu, dataDir } = await start(t, { source: dir, deviceName: 'sdk-box', platform: 'LINUX', version: '10.1.2' });
  const api = new BackupsApi(new Configuration({ basePath: emu.url }));

  const empty = await api.backupsSnapshot();
  assert.deepEqual(empty.iterable, []);

  const made = await api.backupsCreateNewBackup({ seededBackup: {} });
  assert.match(made.id, /^10\.1\.2_\d+$/);
  assert.equal(made.deviceName, 'sdk-box');
  assert.equal(made.platform, 'LINUX');
  assert.equal(made.version, '10.1.2');
  assert.ok(made.created.value instanceof Date && !Number.isNaN(made.created.value.getTime()));
  assert.equal(typeof made.created.readable, 'string');
  assert.equal(made.schema?.semantic, 'MAJOR_0_MINOR_0_PATCH_1');
  assert.equal((await stat(path.join(dataDir, 'cloud', `${encodeURIComponent(made.id)}.tar.gz`))).size, made.bytes);

  await emu.seed(2, { deviceName: 'older' });
  const list = await api.backupsSnapshot();
  assert.equal(list.iterable.length, 3);
  assert.equal(list.iterable[0]?.id, made.id);
  assert.equal(list.iterable[1]?.deviceName, 'older');
  assert.equal(list.indices?.[made.id], 0);

  await api.backupsDeleteSpecificBackup({ backup: made.id, backup2: made });
  const seeded = list.iterable[2]!;
  await api.backupsDeleteSpecificBackup({ backup: seeded.id });
  const after = await api.backupsSnapshot();
  assert.deepEqual(after.iterable.map((b) => b.id), [list.iterable[1]?.id]);

  await assert.rejects(api.backupsDeleteSpecificBackup({ backup: 'no-such-id' }), (e: unknown) => e instanceof ResponseError && e.response.status === 404);
  emu.setFaults({ notSignedIn: true });
  await assert.rejects(api.backupsSnapshot(), (e: unknown) => e instanceof ResponseError && e.response.status === 401);
});

test('the SDK\'s BackupApi restores, reads the restoration and creation status, and cancels against the emulator', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu, dataDir } = await start(t, { source: dir, deviceName: 'sdk-box', platform: 'LINUX', version: '10.1.2' });
  const config = new Configuration({ basePath: emu.url });
  const backups = new BackupsApi(config);
  const one = new BackupApi(config);

  const made = await backups.backupsCreateNewBackup({ seededBackup: {} });
  const saved = await archiveFilesOf(path.join(dataDir, 'cloud', `${encodeURIComponent(made.id)}.tar.gz`));
  assert.deepEqual((await one.backupSpecificBackupSnapshot({ backup: made.id })).id, made.id);
  assert.equal((await one.backupSpecificCreationStatus({ backup: made.id })).value, 'COMPLETED');
  await writeFile(path.join(dir, 'a.txt'), 'changed since the backup\n');

  // A plain restore: the SDK gets its own Backup model back, and the data is the backup's.
  const restored = await one.backupRestoreSpecificBackup({ backup: made.id, backup2: made });
  assert.equal(restored.id, made.id);
  assert.ok(restored.created.value instanceof Date);
  assert.deepEqual(await filesOf(dir), saved);
  const status = await one.backupSpecificRestorationStatus({ backup: made.id });
  assert.equal(status.value, 'COMPLETED');
  assert.equal(status.percentage, 100);
  assert.equal(status.backup.id, made.id);

  // Cancel a slow restore in progress: confirmed, and the data is what it was before it started.
  await writeFile(path.join(dir, 'a.txt'), 'changed again\n');
  const before = await filesOf(dir);
  emu.setFaults({ stallAtPercent: 30 });
  const running = one.backupRestoreSpecificBackup({ backup: made.id }).then(() => null, (e: unknown) => e);
  await until(async () => (await one.backupSpecificRestorationStatus({ backup: made.id })).value === 'IN-PROGRESS');
  await one.backupSpecificRestorationCancel({ backup: made.id });
  const outcome = await running;
  assert.ok(outcome instanceof ResponseError && outcome.response.status === 409);
  assert.equal((await one.backupSpecificRestorationStatus({ backup: made.id })).value, 'CANCELED');
  assert.deepEqual(await filesOf(dir), before);
  await assert.rejects(one.backupSpecificRestorationCancel({ backup: made.id }), (e: unknown) => e instanceof ResponseError && e.response.status === 500);

  // A create in progress: its status and its cancel, by the id "current".
  const creating = backups.backupsCreateNewBackup({ seededBackup: {} }).then(() => null, (e: unknown) => e);
  await until(async () => (await one.backupSpecificCreationStatus({ backup: 'current' }).catch(() => null))?.value === 'IN-PROGRESS');
  await one.backupSpecificCreationCancel({ backup: 'current' });
  assert.ok((await creating) instanceof ResponseError);
  assert.equal((await one.backupSpecificCreationStatus({ backup: 'current' })).value, 'CANCELED');
  assert.equal((await backups.backupsSnapshot()).iterable.length, 1);
  await assert.rejects(one.backupSpecificCreationCancel({ backup: 'current' }), (e: unknown) => e instanceof ResponseError && e.response.status === 500);
});
