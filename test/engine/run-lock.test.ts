// The cross-process backup lock: one holder at a time, stale locks of dead processes taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tryAcquireRunLock, LOCK_FILE } from '../../main/engine/run-lock.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { raceForLock } from '../helpers/lock-children.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('lock', fn);

test('a second acquire is refused with the holder named; release frees it', () =>
  withDir(async (dir) => {
    const a = await tryAcquireRunLock(dir);
    assert.ok('lock' in a);
    const b = await tryAcquireRunLock(dir);
    assert.ok('heldBy' in b);
    assert.equal(b.heldBy.pid, process.pid);
    await a.lock.release();
    const c = await tryAcquireRunLock(dir);
    assert.ok('lock' in c);
    await c.lock.release();
  }));

test('a lock left by a process that died is taken over', () =>
  withDir(async (dir) => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), token: 'old', since: '2020-01-01T00:00:00Z' }));
    const got = await tryAcquireRunLock(dir);
    assert.ok('lock' in got, 'stale lock replaced');
    const owner = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(owner.pid, process.pid);
    await got.lock.release();
  }));

test('releasing does not remove a lock someone else took over meanwhile', () =>
  withDir(async (dir) => {
    const a = await tryAcquireRunLock(dir);
    assert.ok('lock' in a);
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), token: 'other', since: 'now' }));
    await a.lock.release();
    const owner = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(owner.token, 'other');
  }));

test('eight processes racing for the lock: exactly one wins', () =>
  withDir(async (dir) => {
    const results = await raceForLock(dir, 8);
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
    assert.equal(results.filter((r) => r === 'lost').length, 7);
  }));

test('eight processes racing to take over the same stale lock: exactly one wins', () =>
  withDir(async (dir) => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), token: 'dead', since: '2020-01-01T00:00:00Z' }));
    const results = await raceForLock(dir, 8);
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
    assert.equal(results.filter((r) => r === 'lost').length, 7);
  }));
