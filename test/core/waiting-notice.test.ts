// The core tells the person, once, when a scheduled backup has waited over an hour for another
// Pieces Backup process. Real parts: AppCore against the emulator over loopback, a real child
// process holding the real lock file; the core's time is a ManualClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../emulator/server.js';
import { createAppCore } from '../../main/core/app-core.js';
import type { Notice } from '../../main/core/types.js';
import { ManualClock } from '../../main/engine/clock.js';
import { LOCK_FILE } from '../../main/engine/run-lock.js';
import { WAIT_POLL_MS } from '../../main/engine/engine.js';
import { startLockHolder } from '../helpers/lock-children.js';

const MIN = 60_000;

async function waitFor(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(5);
  }
}

test('a scheduled backup waiting over an hour for another process gives one notice saying what to do', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-wait-'));
  const cfg = join(dir, 'cfg');
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
  const clock = new ManualClock(new Date(2026, 10, 27, 9, 30, 0).getTime());
  const core = await createAppCore({ configDir: cfg, url: emu.url, clock });
  t.after(async () => {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const saved = await core.handle('settings:update', { schedule: { kind: 'daily', time: '10:00' }, catchUp: false });
  assert.ok(saved.ok, JSON.stringify(saved));
  const notices: Notice[] = [];
  core.onNotice((n) => notices.push(n));
  const holder = await startLockHolder(cfg, (fn) => t.after(fn));
  await core.start();

  await clock.advance(30 * MIN); // 10:00: the daily backup is due, and the lock is held
  await waitFor(() => core.current().state.phase === 'waiting', 'the backup to wait for the lock');
  assert.equal(core.current().state.waiting?.heldBy.pid, holder.pid);
  // The schedule's timer and the lock poll: two timers between polls, one while a poll runs.
  const polled = () => waitFor(() => clock.pendingTimers === 2, `the lock poll to finish (${clock.pendingTimers} timers, next in ${clock.nextTimerIn()}, ${JSON.stringify(core.current().state)})`);
  await polled();
  await clock.advance(59 * MIN);
  await polled();
  assert.equal(notices.length, 0, 'nothing before the hour');
  for (let i = 0; i < 6; i++) {
    await clock.advance(WAIT_POLL_MS);
    await polled();
  }
  assert.deepEqual(notices.map((n) => n.kind), ['waiting-long']);
  const n = notices[0]!;
  assert.match(n.body, new RegExp(`process ${holder.pid}`));
  assert.match(n.body, /If no other Pieces Backup is running/);
  assert.ok(n.body.includes(join(cfg, LOCK_FILE)), n.body);
  for (let i = 0; i < 10; i++) {
    await clock.advance(10 * MIN);
    await polled();
  }
  assert.equal(notices.length, 1, 'one notice per wait');
});
