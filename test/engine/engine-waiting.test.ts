// A backup blocked by another process's backup lock waits for it (phase `waiting`), tries again
// every 30 s, and runs once the lock is free. Real parts: the emulator over loopback, real
// settings / history / lock files, and a real child process holding the lock; only the engine's
// time is a ManualClock (the lock's own heartbeat age is real time: it is about real processes).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock, settle } from '../../main/engine/clock.js';
import { BackupEngine, WAIT_POLL_MS } from '../../main/engine/engine.js';
import { openDeletionLog, openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { tryAcquireRunLock } from '../../main/engine/run-lock.js';
import { openSettings } from '../../main/settings/store.js';
import type { SettingsPatch } from '../../main/settings/schema.js';
import type { EngineState, WaitingInfo } from '../../main/engine/types.js';
import { startLockHolder } from '../helpers/lock-children.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = new Date(2026, 10, 27, 9, 0, 0).getTime();

async function rig(t: TestContext, settingsPatch: SettingsPatch) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-waiting-'));
  const cfg = join(dir, 'cfg');
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), deviceName: 'laptop', log: () => undefined });
  const client = createClient({ baseUrl: emu.url, timeoutMs: 5000 });
  const clock = new ManualClock(START);
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  await settings.update(settingsPatch);
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(cfg);
  let lockAttempts = 0;
  const engine = new BackupEngine({
    api: async () => client,
    settings,
    history,
    clock,
    identity: openDeviceIdentity(cfg, { now: () => clock.now() }),
    deletions: openDeletionLog(cfg),
    runLock: async () => {
      const got = await tryAcquireRunLock(cfg);
      lockAttempts++;
      return got;
    },
  });
  const states: EngineState[] = [];
  engine.on('state', (s) => states.push(s));
  const longWaits: WaitingInfo[] = [];
  engine.on('waiting-long', (w) => longWaits.push(w));
  t.after(async () => {
    await engine.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    cfg, clock, engine, states, longWaits, client,
    get lockAttempts() {
      return lockAttempts;
    },
    runs: async () => (await history.list()).reverse(),
    /** Until the engine waits for the lock and the attempt that found it held has been recorded. */
    untilWaiting: () => waitFor(() => engine.getState().phase === 'waiting' && engine.getState().running === null, 'the engine to wait for the lock'),
    /** Move virtual time by `ms`; when that fires a lock attempt, wait (real time) for its answer. */
    async advance(ms: number): Promise<void> {
      const before = lockAttempts;
      const due = clock.nextTimerIn();
      await clock.advance(ms);
      if (due !== null && due <= ms) {
        await waitFor(() => lockAttempts > before || engine.getState().phase !== 'waiting', 'the lock to be tried again');
        await settle();
      }
    },
  };
}

test('a scheduled backup blocked by another process waits (who, since), records one skipped line, and runs once the lock is free', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { schedule: { kind: 'hourly' } });
  const holder = await startLockHolder(r.cfg, (fn) => t.after(fn));
  await r.engine.start();

  await r.clock.advance(HOUR); // the hourly run is due
  await r.untilWaiting();
  const state = r.engine.getState();
  assert.equal(state.running, null);
  assert.equal(state.waiting?.trigger, 'scheduled');
  assert.equal(state.waiting?.heldBy.pid, holder.pid, 'names the process that holds the lock');
  assert.ok(Number.isFinite(Date.parse(state.waiting!.heldBy.since)), 'and since when');
  await waitFor(() => r.states.some((s) => s.phase === 'waiting'), 'the waiting state to be emitted');
  assert.ok(!r.states.some((s) => s.phase === 'running'), 'a backup that cannot take the lock is never shown as running');

  // Half an hour of polls and the next hourly tick, all while the other backup holds the lock.
  const seen = r.states.length;
  for (let i = 0; i < 2 * 60; i++) await r.advance(WAIT_POLL_MS / 2);
  assert.deepEqual([...new Set(r.states.slice(seen).map((s) => s.phase))], ['waiting'], 'attempts while waiting never show as running');
  assert.ok(r.lockAttempts >= 60, `${r.lockAttempts} lock attempts in an hour`);
  assert.equal(r.engine.getState().phase, 'waiting');
  const runs = await r.runs();
  assert.deepEqual(runs.map((e) => `${e.trigger}:${e.result}`), ['scheduled:skipped'], 'one record per wait, not one per attempt');
  assert.match(runs[0]!.error!.message, new RegExp(`process ${holder.pid}`));

  await holder.exit(); // the other process ends (without releasing: its pid is now dead)
  await r.advance(WAIT_POLL_MS);
  await waitFor(() => r.engine.getState().phase === 'idle', 'the waiting backup to run and finish');
  const after = await r.runs();
  assert.deepEqual(after.map((e) => `${e.trigger}:${e.result}`), ['scheduled:skipped', 'scheduled:completed']);
  assert.equal((await r.client.list()).length, 1, 'the backup was made');
  assert.equal(r.engine.getState().waiting, null);
  assert.ok(r.clock.pendingTimers <= 1, `${r.clock.pendingTimers} timers once the wait is over (the schedule only)`);
});

test('an automatic backup waiting over an hour says so once; a manual one never does', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { schedule: { kind: 'daily', time: '10:00' } });
  const holder = await startLockHolder(r.cfg, (fn) => t.after(fn));
  await r.engine.start();
  await r.clock.advance(HOUR);
  await r.untilWaiting();
  for (let i = 0; i < 2 * 59; i++) await r.advance(WAIT_POLL_MS);
  assert.equal(r.longWaits.length, 0, 'not before the hour');
  for (let i = 0; i < 2 * 2; i++) await r.advance(WAIT_POLL_MS);
  assert.equal(r.longWaits.length, 1, 'once past the hour');
  assert.equal(r.longWaits[0]!.heldBy.pid, holder.pid);
  assert.equal(r.longWaits[0]!.trigger, 'scheduled');
  for (let i = 0; i < 2 * 60; i++) await r.advance(WAIT_POLL_MS);
  assert.equal(r.longWaits.length, 1, 'only once per wait');
  await holder.exit();
  await r.advance(WAIT_POLL_MS);
  await waitFor(() => r.engine.getState().phase === 'idle', 'the waiting backup to run');

  const holder2 = await startLockHolder(r.cfg, (fn) => t.after(fn));
  const manual = r.engine.backupNow('manual');
  assert.ok(manual.started);
  assert.equal((await manual.done).result, 'skipped');
  assert.equal(r.engine.getState().waiting?.trigger, 'manual');
  assert.equal(r.engine.getState().waiting?.heldBy.pid, holder2.pid);
  for (let i = 0; i < 2 * 70; i++) await r.advance(WAIT_POLL_MS);
  assert.equal(r.longWaits.length, 1, 'a manual wait is on screen already: no notification');
});

test('pausing drops an automatic wait: no lock polling left', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { schedule: { kind: 'hourly' } });
  await startLockHolder(r.cfg, (fn) => t.after(fn));
  await r.engine.start();
  await r.clock.advance(HOUR);
  await r.untilWaiting();
  await r.engine.pause('resume');
  await waitFor(() => r.engine.getState().phase === 'paused', 'the pause to apply');
  assert.equal(r.engine.getState().waiting, null);
  assert.equal(r.clock.pendingTimers, 0, 'paused until resumed: no schedule, no lock polling');
});

test('a lock poll that comes while the first attempt is still being recorded keeps the wait going', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { schedule: { kind: 'hourly' } });
  await startLockHolder(r.cfg, (fn) => t.after(fn));
  await r.engine.start();
  // Another process is writing the history: recording the skipped attempt has to wait for it.
  const historyLock = join(r.cfg, 'history.jsonl.lock');
  await writeFile(historyLock, 'another process');
  await r.clock.advance(HOUR);
  await waitFor(() => r.engine.getState().phase === 'waiting', 'the engine to wait for the lock');
  assert.notEqual(r.engine.getState().running, null, 'the first attempt is still being recorded');
  await r.clock.advance(WAIT_POLL_MS); // the poll comes now
  await unlink(historyLock);
  await waitFor(() => r.engine.getState().running === null, 'the first attempt to be recorded');
  const before = r.lockAttempts;
  await r.clock.advance(WAIT_POLL_MS);
  await waitFor(() => r.lockAttempts > before, 'the lock to be tried again', 5000);
  assert.equal(r.engine.getState().phase, 'waiting');
});
