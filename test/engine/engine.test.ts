import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { memoryHistory } from '../../main/engine/history.js';
import { memorySettings } from '../../main/settings/store.js';
import { BackupsApiError } from '../../main/api/errors.js';
import type { Settings } from '../../main/settings/schema.js';
import type { EngineState, HistoryEntry } from '../../main/engine/types.js';
import { FakeApi } from './fake-api.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// Local noon on 2026-11-27, so daily-at-HH:MM reasoning holds in any time zone.
const START = new Date(2026, 10, 27, 9, 0, 0).getTime();

function setup(settings: Partial<Settings> = {}, history: HistoryEntry[] = []) {
  const clock = new ManualClock(START);
  const api = new FakeApi(clock);
  const s = memorySettings({ scheduleSetAt: new Date(START).toISOString(), ...settings }, () => clock.now());
  const h = memoryHistory();
  h.entries.push(...history);
  const states: EngineState[] = [];
  const engine = new BackupEngine({ api: async () => api, settings: s, history: h, clock, thisDevice: 'laptop' });
  engine.on('state', (st) => states.push(st));
  return { clock, api, settings: s, history: h, engine, states };
}

const ran = (h: { entries: HistoryEntry[] }, result = 'completed') => h.entries.filter((e) => e.result === result);

test('days of an hourly schedule in milliseconds: one backup per hour, idle wakes at most every 10 minutes', async () => {
  const { clock, api, engine, history } = setup({ schedule: { kind: 'hourly' } });
  await engine.start();
  assert.equal(api.creates, 0, 'no catch-up on a fresh schedule');
  await clock.advance(3 * DAY);
  assert.equal(api.creates, 72);
  assert.ok(ran(history).every((e) => e.trigger === 'scheduled'));
  await engine.stop();
});

test('idle costs nothing: with a daily schedule the only timer is ≥ 1 minute away, and off means no timer', async () => {
  const { clock, engine, settings } = setup({ schedule: { kind: 'daily', time: '12:00' } });
  await engine.start();
  let wakes = 0;
  while (clock.now() < START + 2 * DAY) {
    if (engine.getState().phase === 'running') {
      await clock.advance(2000);
      continue;
    }
    assert.ok(clock.pendingTimers <= 1);
    const next = clock.nextTimerIn();
    const due = Date.parse(engine.getState().nextRun!) - clock.now();
    // Only the wake for a due run may come sooner than a minute.
    assert.ok(next !== null && (next >= MIN || next === due), `timer in ${next}`);
    await clock.advance(next!);
    wakes++;
  }
  assert.ok(wakes <= 2 * 24 * 6 + 4, `${wakes} wakes in two days`);
  settings.update({ schedule: { kind: 'off' } });
  assert.equal(clock.pendingTimers, 0);
  assert.equal(engine.getState().nextRun, null);
  await engine.stop();
});

test('a burst of 100 starts makes one backup; the others hear "already running"', async () => {
  const { clock, api, engine, history } = setup({ schedule: { kind: 'off' } });
  await engine.start();
  const results = Array.from({ length: 100 }, (_, i) => engine.backupNow(i % 2 ? 'manual' : 'retry'));
  assert.equal(results.filter((r) => r.started).length, 1);
  assert.ok(results.slice(1).every((r) => !r.started && r.reason === 'already-running'));
  await clock.advance(5000);
  assert.equal(api.creates, 1);
  assert.equal(ran(history).length, 1);
  await engine.stop();
});

test('a scheduled tick while a backup runs is skipped and recorded as skipped', async () => {
  const { clock, api, engine, history } = setup({ schedule: { kind: 'hourly' } });
  api.steps = 20;
  api.stepMs = 10_000; // a 200 s backup
  await engine.start();
  await clock.advance(HOUR - 60_000); // 1 minute before the hour
  engine.backupNow('manual');
  await clock.advance(5 * MIN);
  assert.equal(api.creates, 1);
  const skipped = ran(history, 'skipped');
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]!.trigger, 'scheduled');
  assert.equal(skipped[0]!.error?.kind, 'already-running');
  await engine.stop();
});

test('catch-up at start: one backup for several missed days, not one per tick', async () => {
  const last: HistoryEntry = { trigger: 'scheduled', result: 'completed', startedAt: new Date(START - 3 * DAY).toISOString(), finishedAt: new Date(START - 3 * DAY).toISOString() };
  const { clock, api, engine, history } = setup({ schedule: { kind: 'daily', time: '08:00' } }, [last]);
  await engine.start();
  await clock.advance(MIN);
  assert.equal(api.creates, 1);
  assert.equal(ran(history).at(-1)!.trigger, 'catch-up');
  await engine.stop();
});

test('catch-up can be turned off', async () => {
  const last: HistoryEntry = { trigger: 'scheduled', result: 'completed', startedAt: new Date(START - 3 * DAY).toISOString(), finishedAt: new Date(START - 3 * DAY).toISOString() };
  const { clock, api, engine } = setup({ schedule: { kind: 'daily', time: '08:00' }, catchUp: false }, [last]);
  await engine.start();
  await clock.advance(MIN);
  assert.equal(api.creates, 0);
  await engine.stop();
});

test('sleep through two fire times, then resume: exactly one catch-up', async () => {
  const { clock, api, engine, history } = setup({ schedule: { kind: 'daily', time: '12:00' } });
  await engine.start();
  clock.jump(2 * DAY); // asleep: the wall clock moves, timers do not fire
  engine.systemResumed();
  engine.systemResumed(); // the OS may say it twice
  await clock.advance(MIN);
  assert.equal(api.creates, 1);
  assert.equal(ran(history)[0]!.trigger, 'catch-up');
  // The next normal run still happens on time.
  await clock.advance(DAY);
  assert.equal(api.creates, 2);
  await engine.stop();
});

test('a history newer than the clock (the clock went back) causes neither a backup nor a crash', async () => {
  const future: HistoryEntry = { trigger: 'manual', result: 'completed', startedAt: new Date(START + 5 * DAY).toISOString(), finishedAt: new Date(START + 5 * DAY).toISOString() };
  const { clock, api, engine } = setup({ schedule: { kind: 'daily', time: '08:00' } }, [future]);
  await engine.start();
  engine.systemResumed();
  await clock.advance(MIN);
  assert.equal(api.creates, 0);
  assert.equal(engine.getState().phase, 'idle');
  // Clock jumps back further while running: the schedule is recomputed, still no burst.
  clock.jump(-3 * DAY);
  await clock.advance(20 * MIN);
  assert.equal(api.creates, 0);
  await engine.stop();
});

test('a clock jump forward while awake is noticed within one chunk and runs once', async () => {
  const { clock, api, engine } = setup({ schedule: { kind: 'daily', time: '12:00' } });
  await engine.start();
  clock.jump(5 * HOUR); // 09:00 → 14:00 without sleeping
  await clock.advance(11 * MIN);
  assert.equal(api.creates, 1);
  await engine.stop();
});

test('transient failures retry with exponential backoff and a cap; then success', async () => {
  const { clock, api, engine, history } = setup({ schedule: { kind: 'off' }, retries: { maxRetries: 3, baseDelaySeconds: 30, maxDelaySeconds: 50 } });
  api.failures = [new BackupsApiError('unreachable', 'down'), new BackupsApiError('http', 'boom', { status: 503 }), new BackupsApiError('stalled', 'quiet')];
  await engine.start();
  const r = engine.backupNow();
  assert.ok(r.started);
  const retryAts: number[] = [];
  engine.on('run-started', (e) => retryAts.push(Date.parse(e.startedAt) - START));
  await clock.advance(600);
  assert.equal(engine.getState().retry?.attempt, 1);
  await clock.advance(10 * MIN);
  assert.equal(api.creates, 4);
  assert.deepEqual(history.entries.map((e) => `${e.trigger}:${e.result}`), ['manual:failed', 'retry:failed', 'retry:failed', 'retry:completed']);
  // Delays 30 s, then 60 capped at 50, then 50 (each after a 0.5 s failed attempt).
  assert.deepEqual(retryAts, [0, 30_500, 81_000, 131_500]);
  assert.equal(engine.getState().phase, 'idle');
  await engine.stop();
});

test('retries are bounded; not-signed-in is never retried', async () => {
  const { clock, api, engine } = setup({ schedule: { kind: 'off' }, retries: { maxRetries: 2, baseDelaySeconds: 1, maxDelaySeconds: 10 } });
  api.failures = Array.from({ length: 10 }, () => new BackupsApiError('timeout', 'slow'));
  await engine.start();
  engine.backupNow();
  await clock.advance(HOUR);
  assert.equal(api.creates, 3);
  assert.equal(engine.getState().phase, 'offline');
  api.failures = [new BackupsApiError('not-signed-in', 'Sign in to Pieces and connect to the cloud.', { status: 401 })];
  engine.backupNow();
  await clock.advance(HOUR);
  assert.equal(api.creates, 4);
  assert.equal(engine.getState().phase, 'error');
  assert.equal(engine.getState().lastError?.kind, 'not-signed-in');
  await engine.stop();
});

test('pause for an hour skips the schedule and ends by itself; until resumed needs resume()', async () => {
  const { clock, api, engine, settings } = setup({ schedule: { kind: 'every-n-hours', hours: 1 } });
  await engine.start();
  const st = engine.pause('1h');
  assert.equal(st.phase, 'paused');
  await clock.advance(HOUR + MIN);
  assert.equal(api.creates, 0, 'the 10:00 run was paused');
  assert.equal(settings.get().pausedUntil, null, 'the pause ended by itself');
  assert.equal(engine.getState().phase, 'idle');
  await clock.advance(HOUR);
  assert.equal(api.creates, 1);
  engine.pause('resume');
  assert.equal(engine.getState().nextRun, null);
  await clock.advance(5 * HOUR);
  assert.equal(api.creates, 1);
  // Manual backups still work while paused.
  const r = engine.backupNow();
  assert.ok(r.started);
  await clock.advance(MIN);
  assert.equal(api.creates, 2);
  engine.resume();
  await clock.advance(HOUR);
  assert.equal(api.creates, 3);
  await engine.stop();
});

test('stop mid-backup cancels it and records canceled', async () => {
  const { clock, engine, history } = setup({ schedule: { kind: 'off' } });
  await engine.start();
  const r = engine.backupNow();
  await clock.advance(300);
  assert.equal(engine.getState().phase, 'running');
  await engine.stop();
  assert.ok(r.started);
  const entry = await r.done;
  assert.equal(entry.result, 'canceled');
  assert.deepEqual(history.entries.map((e) => e.result), ['canceled']);
});

test('progress reaches consumers coalesced; terminal states always arrive', async () => {
  const { clock, api, engine, states } = setup({ schedule: { kind: 'off' } });
  api.steps = 200;
  api.stepMs = 5; // 200 progress values in one second
  await engine.start();
  states.length = 0;
  const r = engine.backupNow();
  assert.ok(r.started);
  await clock.advance(2000);
  const running = states.filter((s) => s.phase === 'running');
  assert.ok(running.length <= 35 && running.length >= 5, `${running.length} running updates`);
  assert.equal(states.at(-1)!.phase, 'idle');
  assert.ok(states.at(-1)!.lastSuccess);
  await engine.stop();
});

test('retention runs after success: this device only, never the newest, deletions recorded', async () => {
  const clock = new ManualClock(START);
  const api = new FakeApi(clock);
  const mk = (id: string, daysAgo: number, deviceName = 'laptop') => ({ id, version: '1', timestamp: '0', bytes: 1, created: new Date(START - daysAgo * DAY).toISOString(), deviceName, platform: 'LINUX' as const });
  api.backups = [mk('old1', 10), mk('old2', 20), mk('other', 30, 'desktop')];
  const settings = memorySettings({ schedule: { kind: 'off' }, scheduleSetAt: new Date(START).toISOString(), retention: { enabled: true, keepLast: 2, maxAgeDays: null, includeOtherDevices: false } });
  const deletions: string[] = [];
  const engine = new BackupEngine({ api: async () => api, settings, history: memoryHistory(), clock, deletions: { record: async (d) => void deletions.push(d.backupId) } });
  await engine.start();
  const preview = await engine.previewRetention(settings.get().retention);
  assert.deepEqual(preview.map((b) => b.id), []);
  const r = engine.backupNow();
  assert.ok(r.started);
  await clock.advance(5000);
  assert.deepEqual(api.deleted, ['old2']);
  assert.deepEqual(deletions, ['old2']);
  assert.deepEqual(api.backups.map((b) => b.id).sort(), ['old1', 'other', api.backups.find((b) => b.id.startsWith('v_'))!.id].sort());
  await engine.stop();
});
