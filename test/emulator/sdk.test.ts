// Conformance: Pieces' own TypeScript SDK talks to the emulator and gets its own models back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BackupsApi, Configuration, ResponseError } from '@pieces.app/pieces-os-client';
import { makeSource, start, tempDir } from './helpers.js';

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
