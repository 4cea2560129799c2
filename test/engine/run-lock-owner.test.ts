// The backup lock records which front end took it and what it runs, so whoever finds it held can
// say so in words; lock files from older versions (without those fields) and from newer ones
// (with values this version does not know) still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tryAcquireRunLock, liveLockHolder, holderOf, LOCK_FILE } from '../../main/engine/run-lock.js';
import { describeHolder } from '../../main/shared/waiting-text.js';
import { formatAtIso } from '../../main/shared/time-format.js';
import { withTempDir } from '../helpers/temp-dir.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('lock-owner', fn);

test('the lock file records by and what; whoever finds it held is told them', () =>
  withDir(async (dir) => {
    const a = await tryAcquireRunLock(dir, { by: 'daemon', what: 'restore' });
    assert.ok('lock' in a);
    try {
      const file = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
      assert.equal(file.by, 'daemon');
      assert.equal(file.what, 'restore');
      const b = await tryAcquireRunLock(dir, { by: 'cli', what: 'backup' });
      assert.ok('heldBy' in b);
      assert.equal(b.heldBy.by, 'daemon');
      assert.equal(b.heldBy.what, 'restore');
      assert.deepEqual(await liveLockHolder(dir), b.heldBy);
    } finally {
      await a.lock.release();
    }
    assert.equal(await liveLockHolder(dir), null, 'released: nobody holds it');
  }));

test('a lock file of an older version (no by, no what) is read and worded as before', () =>
  withDir(async (dir) => {
    const since = new Date().toISOString();
    // This test's own process stands for the older version's live owner.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', since }));
    const got = await tryAcquireRunLock(dir, { by: 'cli', what: 'backup' });
    assert.ok('heldBy' in got, 'a live owner keeps its lock');
    assert.equal(got.heldBy.by, undefined);
    assert.equal(got.heldBy.what, undefined);
    const now = new Date();
    assert.equal(describeHolder(holderOf(got.heldBy), now), `the backup started by process ${process.pid} at ${formatAtIso(since, now)}`);
  }));

test('a value a newer version wrote (unknown here) is read as unknown, not trusted and not a crash', () =>
  withDir(async (dir) => {
    const since = new Date().toISOString();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), token: 'new', since, by: 'robot', what: { deep: true } }));
    const got = await tryAcquireRunLock(dir, { by: 'app', what: 'backup' });
    assert.ok('heldBy' in got);
    assert.equal(got.heldBy.by, undefined);
    assert.equal(got.heldBy.what, undefined);
    assert.equal(got.heldBy.pid, process.pid);
    const now = new Date();
    assert.equal(describeHolder(holderOf(got.heldBy), now), `the backup started by process ${process.pid} at ${formatAtIso(since, now)}`);
  }));
