// When a backup lock stops counting: its owner is gone, its pid now belongs to another program,
// or its heartbeat is old. Real lock files in temp folders, real processes for pid liveness.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryAcquireRunLock, LOCK_FILE } from '../../main/engine/run-lock.js';
import { ManualClock } from '../../main/engine/clock.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { raceForLock, startLockHolder } from '../helpers/lock-children.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('lock', fn);
const onLinux = { skip: process.platform !== 'linux' ? 'the OS tells who owns a pid only through /proc (Linux)' : false } as const;

/** A live process that is not Pieces Backup (or says it is, with `args`); ends with the test. */
async function liveProcess(t: TestContext, args: string[] = []): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready"); setInterval(() => {}, 1000)', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => void child.kill('SIGKILL'));
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child as ChildProcess & { pid: number };
}

const lockPath = (dir: string) => join(dir, LOCK_FILE);
const owner = async (dir: string) => JSON.parse(await readFile(lockPath(dir), 'utf8')) as { pid: number; token: string; start?: string };
/** Date the lock's heartbeat `ms` before `now`. */
const ageLock = (dir: string, ms: number, now = Date.now()) => utimes(lockPath(dir), new Date(now - ms), new Date(now - ms));

test('the owner refreshes the heartbeat every 30 s while it holds the lock; no timer before or after', () =>
  withDir(async (dir) => {
    const clock = new ManualClock();
    assert.equal(clock.pendingTimers, 0);
    const got = await tryAcquireRunLock(dir, { clock });
    assert.ok('lock' in got);
    assert.equal(clock.pendingTimers, 1, 'one heartbeat timer while held');
    assert.equal(clock.nextTimerIn(), 30_000);
    await ageLock(dir, 10 * 60_000, clock.now());
    await clock.advance(30_000);
    const deadline = Date.now() + 5000;
    while ((await stat(lockPath(dir))).mtimeMs !== clock.now() && Date.now() < deadline) await sleep(5);
    assert.equal((await stat(lockPath(dir))).mtimeMs, clock.now(), 'the heartbeat moved the mtime to now');
    assert.equal(clock.pendingTimers, 1, 'and armed the next one');
    await got.lock.release();
    assert.equal(clock.pendingTimers, 0, 'released: no timer at all');
    const again = await tryAcquireRunLock(dir, { clock });
    assert.ok('lock' in again);
    const refused = await tryAcquireRunLock(dir, { clock });
    assert.ok('heldBy' in refused);
    assert.equal(clock.pendingTimers, 1, 'a refused attempt arms nothing');
    await again.lock.release();
    assert.equal(clock.pendingTimers, 0);
  }));

test('a live owner with a fresh heartbeat is honoured; the same owner hung for over 2 minutes is taken over', (t) =>
  withDir(async (dir) => {
    const holder = await startLockHolder(dir, (fn) => t.after(fn));
    const held = await tryAcquireRunLock(dir);
    assert.ok('heldBy' in held);
    assert.equal(held.heldBy.pid, holder.pid);
    await ageLock(dir, 2 * 60_000 + 5000);
    const got = await tryAcquireRunLock(dir);
    assert.ok('lock' in got, 'a heartbeat older than 2 minutes means the owner is hung');
    assert.equal((await owner(dir)).pid, process.pid);
    await got.lock.release();
  }));

test('a lock from another host (or a renamed host) counts until its heartbeat is 2 minutes old', () =>
  withDir(async (dir) => {
    await writeFile(lockPath(dir), JSON.stringify({ pid: 1, host: `not-${hostname()}`, token: 'elsewhere', since: new Date().toISOString() }));
    const held = await tryAcquireRunLock(dir);
    assert.ok('heldBy' in held, 'a fresh lock of another host is honoured');
    await ageLock(dir, 3 * 60_000);
    const got = await tryAcquireRunLock(dir);
    assert.ok('lock' in got, 'its heartbeat stopped 3 minutes ago: taken over');
    await got.lock.release();
  }));

test('a lock whose pid now belongs to another program (pid reused) is taken over', onLinux, (t) =>
  withDir(async (dir) => {
    const other = await liveProcess(t);
    // What a Pieces Backup process that has since died wrote: its pid is now `other`'s.
    await writeFile(lockPath(dir), JSON.stringify({ pid: other.pid, host: hostname(), token: 'reused', since: new Date().toISOString(), start: '1' }));
    const got = await tryAcquireRunLock(dir);
    assert.ok('lock' in got, 'the live process at that pid is not the one that took the lock');
    assert.equal((await owner(dir)).pid, process.pid);
    await got.lock.release();
  }));

test('a lock without a start time (older versions) counts only while its pid runs Pieces Backup', onLinux, (t) =>
  withDir(async (dir) => {
    const other = await liveProcess(t);
    const pieces = await liveProcess(t, ['pieces-backup', 'daemon']);
    await writeFile(lockPath(dir), JSON.stringify({ pid: pieces.pid, host: hostname(), token: 'pieces', since: new Date().toISOString() }));
    const held = await tryAcquireRunLock(dir);
    assert.ok('heldBy' in held, 'the pid runs pieces-backup: honoured');
    assert.equal(held.heldBy.pid, pieces.pid);
    await writeFile(lockPath(dir), JSON.stringify({ pid: other.pid, host: hostname(), token: 'other', since: new Date().toISOString() }));
    const got = await tryAcquireRunLock(dir);
    assert.ok('lock' in got, 'the pid runs some other program: taken over');
    await got.lock.release();
  }));

test('eight processes racing to take over a lock whose pid was reused: exactly one wins', onLinux, (t) =>
  withDir(async (dir) => {
    const other = await liveProcess(t);
    await writeFile(lockPath(dir), JSON.stringify({ pid: other.pid, host: hostname(), token: 'reused', since: new Date().toISOString(), start: '1' }));
    const results = await raceForLock(dir, 8);
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
    assert.equal(results.filter((r) => r === 'lost').length, 7);
  }));
