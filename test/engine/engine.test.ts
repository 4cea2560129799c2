// BackupEngine against the real parts: the HTTP client talking to the emulator over loopback, and
// real settings / history / deletion files in a temp dir. Only time is injected: a ManualClock
// drives the schedule, while each backup is real HTTP work in real time, so the helpers below wait
// (bounded, in real time) for a run to finish before moving virtual time on.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Faults, type RunningEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import type { BackupsApi, StreamOptions } from '../../main/api/backups-api.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openDeletionLog, openHistory } from '../../main/engine/history.js';
import { openSettings } from '../../main/settings/store.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import type { SettingsPatch } from '../../main/settings/schema.js';
import type { EngineState, HistoryEntry } from '../../main/engine/types.js';
import type { Backup } from '../../main/api/wire.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// Local 09:00 on 2026-11-27, so daily-at-HH:MM reasoning holds in any time zone.
const START = new Date(2026, 10, 27, 9, 0, 0).getTime();
const DEVICE = 'laptop';

interface RigOptions {
  settings?: SettingsPatch;
  /** Written to the history file before the engine starts (oldest first). */
  history?: HistoryEntry[];
  /** Size of the folder the emulator backs up; small keeps 72 real backups quick. */
  sourceBytes?: number;
  bytesPerSecond?: number;
  faults?: Faults;
  stallTimeoutMs?: number;
}

/** Poll in real time until `pred` holds; fail with a clear reason after `ms`. */
/** A compressible folder of about `bytes`: the tar work (what progress measures) is real, gzip stays cheap. */
async function makeSource(dir: string, bytes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const line = 'pieces backup engine test data, compressible on purpose\n';
  await writeFile(join(dir, 'data.txt'), line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ bytes }));
}

async function rig(t: TestContext, o: RigOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-engine-'));
  const cfg = join(dir, 'cfg');
  const dataDir = join(dir, 'emu');
  const source = join(dir, 'source');
  await makeSource(source, o.sourceBytes ?? 4096);
  const emuLog: string[] = [];
  const emuOpts = { dataDir, source, deviceName: DEVICE, log: (l: string) => void emuLog.push(l), ...(o.bytesPerSecond === undefined ? {} : { bytesPerSecond: o.bytesPerSecond }) };
  let emu: RunningEmulator = await startEmulator({ port: 0, ...emuOpts, faults: o.faults ?? {} });
  const port = emu.port;
  const client = createClient({ baseUrl: emu.url, timeoutMs: 5000, stallTimeoutMs: o.stallTimeoutMs ?? 10_000 });

  // The real client, with a count of the progress values it hands the engine (nothing else changes).
  let rawProgress = 0;
  const api: BackupsApi = Object.assign(Object.create(client) as BackupsApi, {
    createStreamed: (opts: StreamOptions = {}) =>
      client.createStreamed({
        ...opts,
        onProgress: (p) => {
          rawProgress++;
          opts.onProgress?.(p);
        },
      }),
  });

  const clock = new ManualClock(START);
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  if (o.settings) await settings.update(o.settings);
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(cfg);
  for (const e of o.history ?? []) await history.record(e);
  const deletionLog = openDeletionLog(cfg);
  const logs: string[] = [];
  const identity = openDeviceIdentity(cfg, { now: () => clock.now() });
  const engine = new BackupEngine({ api: async () => api, settings, history, clock, identity, deletions: deletionLog, log: (_l, m) => void logs.push(m) });
  const states: EngineState[] = [];
  engine.on('state', (st) => states.push(st));
  let starts = 0;
  engine.on('run-started', () => starts++);

  t.after(async () => {
    await engine.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  const untilIdle = () => waitFor(() => engine.getState().running === null, 'the backup in flight to finish');

  return {
    dir, cfg, dataDir, clock, client, settings, history, deletionLog, engine, states, logs, emuLog,
    get emu() {
      return emu;
    },
    /** How many runs reached the API (each one makes one create request). */
    get starts() {
      return starts;
    },
    get rawProgress() {
      return rawProgress;
    },
    untilIdle,
    /** The backups the emulator holds: the real outcome of the engine's work. */
    backups: (): Promise<Backup[]> => client.list(),
    /** Oldest first, as they happened. */
    runs: async () => (await history.list()).reverse(),
    /** Wait until the emulator has finished (and cleaned up) any create, e.g. one the client abandoned. */
    emulatorIdle: () => waitFor(async () => !((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy, 'the emulator to finish its create'),
    /** Take PiecesOS down (the port then refuses connections) and bring it back on the same port. */
    emulatorDown: () => emu.close(),
    emulatorUp: async (faults: Faults = {}) => {
      emu = await startEmulator({ port, ...emuOpts, faults });
    },
    /**
     * Move virtual time by `ms`, one due timer at a time; whenever a timer started a backup, wait
     * (in real time) for it to finish before virtual time moves on, as it would on a real machine
     * where a backup takes seconds and the next run is hours away.
     */
    async run(ms: number): Promise<void> {
      let left = ms;
      for (let guard = 0; ; guard++) {
        assert.ok(guard < 100_000, 'the engine keeps arming timers that are due at once');
        await untilIdle();
        const next = clock.nextTimerIn();
        if (next === null || next > left) break;
        await clock.advance(next);
        left -= next;
      }
      await clock.advance(left);
      await untilIdle();
    },
  };
}

const only = (runs: HistoryEntry[], result: HistoryEntry['result']) => runs.filter((e) => e.result === result);

test('days of an hourly schedule: one real backup per hour, 72 over three days', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'hourly' } } });
  await r.engine.start();
  await r.run(0);
  assert.equal(r.starts, 0, 'no catch-up on a fresh schedule');
  await r.run(3 * DAY);
  assert.equal(r.starts, 72);
  assert.equal((await r.backups()).length, 72);
  const runs = await r.runs();
  assert.equal(only(runs, 'completed').length, 72);
  assert.ok(runs.every((e) => e.trigger === 'scheduled' && e.result === 'completed'), JSON.stringify(runs.filter((e) => e.result !== 'completed')));
  // Each started exactly on the hour of virtual time.
  assert.deepEqual(runs.map((e) => Date.parse(e.startedAt) - START), Array.from({ length: 72 }, (_, i) => (i + 1) * HOUR));
  const ids = new Set((await r.backups()).map((b) => b.id));
  assert.ok(runs.every((e) => e.backupId !== undefined && ids.has(e.backupId)), 'every history entry names a backup the server holds');
});

test('idle costs nothing: with a daily schedule the only timer is ≥ 1 minute away, and off means no timer', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '12:00' } } });
  const { clock, engine } = r;
  await engine.start();
  let wakes = 0;
  while (clock.now() < START + 2 * DAY) {
    if (engine.getState().phase === 'running') {
      await r.untilIdle();
      continue;
    }
    assert.ok(clock.pendingTimers <= 1, `${clock.pendingTimers} timers pending while idle`);
    const next = clock.nextTimerIn();
    const due = Date.parse(engine.getState().nextRun!) - clock.now();
    // Only the wake for a due run may come sooner than a minute.
    assert.ok(next !== null && (next >= MIN || next === due), `timer in ${next}`);
    await clock.advance(next!);
    wakes++;
  }
  assert.ok(wakes <= 2 * 24 * 6 + 4, `${wakes} wakes in two days`);
  assert.equal((await r.backups()).length, 2, 'one backup at each of the two noons');
  await r.settings.update({ schedule: { kind: 'off' } });
  assert.equal(clock.pendingTimers, 0);
  assert.equal(engine.getState().nextRun, null);
});

test('a burst of 100 starts makes one backup; the others hear "already running"', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'off' } } });
  await r.engine.start();
  const results = Array.from({ length: 100 }, (_, i) => r.engine.backupNow(i % 2 ? 'manual' : 'retry'));
  assert.equal(results.filter((x) => x.started).length, 1);
  assert.ok(results.slice(1).every((x) => !x.started && x.reason === 'already-running'));
  const first = results[0]!;
  assert.ok(first.started);
  assert.equal((await first.done).result, 'completed');
  await r.run(5000);
  assert.equal(r.starts, 1);
  assert.equal((await r.backups()).length, 1);
  const runs = await r.runs();
  assert.deepEqual(runs.map((e) => `${e.trigger}:${e.result}`), ['retry:completed']);
  assert.equal(r.emuLog.length, 0, r.emuLog.join('\n'));
});

test('a scheduled tick while a backup runs is skipped and recorded as skipped', { timeout: 30_000 }, async (t) => {
  // ~100 KB at 50 KB/s: a real backup that takes about two seconds.
  const r = await rig(t, { settings: { schedule: { kind: 'hourly' } }, sourceBytes: 100_000, bytesPerSecond: 50_000 });
  await r.engine.start();
  await r.run(HOUR - MIN); // 1 minute before the hour
  const manual = r.engine.backupNow('manual');
  assert.ok(manual.started);
  await r.clock.advance(5 * MIN); // the 10:00 tick fires while the manual backup is still streaming
  assert.equal(r.engine.getState().phase, 'running', 'the manual backup was still running when the hour struck');
  assert.equal((await manual.done).result, 'completed');
  await waitFor(async () => only(await r.runs(), 'skipped').length === 1, 'the skipped run to be recorded');
  assert.equal(r.starts, 1);
  assert.equal((await r.backups()).length, 1);
  const skipped = only(await r.runs(), 'skipped');
  assert.equal(skipped[0]!.trigger, 'scheduled');
  assert.equal(skipped[0]!.error?.kind, 'already-running');
  assert.equal(Date.parse(skipped[0]!.startedAt), START + HOUR);
});

const threeDaysAgo: HistoryEntry = { trigger: 'scheduled', result: 'completed', startedAt: new Date(START - 3 * DAY).toISOString(), finishedAt: new Date(START - 3 * DAY).toISOString() };

test('catch-up at start: one backup for several missed days, not one per tick', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '08:00' } }, history: [threeDaysAgo] });
  const catchUps: string[] = [];
  r.engine.on('catch-up', (e) => catchUps.push(e.missed));
  await r.engine.start();
  await r.run(MIN);
  assert.equal(r.starts, 1);
  assert.equal((await r.backups()).length, 1);
  assert.equal(only(await r.runs(), 'completed').at(-1)!.trigger, 'catch-up');
  assert.deepEqual(catchUps, [new Date(2026, 10, 27, 8, 0, 0).toISOString()]);
});

test('catch-up can be turned off', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '08:00' }, catchUp: false }, history: [threeDaysAgo] });
  await r.engine.start();
  await r.run(MIN);
  assert.equal(r.starts, 0);
  assert.equal((await r.backups()).length, 0);
});

test('sleep through two fire times, then resume: exactly one catch-up', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '12:00' } } });
  await r.engine.start();
  r.clock.jump(2 * DAY); // asleep: the wall clock moves, timers do not fire
  r.engine.systemResumed();
  r.engine.systemResumed(); // the OS may say it twice
  await r.run(MIN);
  assert.equal(r.starts, 1);
  assert.equal((await r.backups()).length, 1);
  assert.equal((await r.runs())[0]!.trigger, 'catch-up');
  // The next normal run still happens on time.
  await r.run(DAY);
  assert.equal(r.starts, 2);
  assert.equal((await r.backups()).length, 2);
  const second = (await r.runs())[1]!;
  assert.equal(second.trigger, 'scheduled');
  assert.equal(second.startedAt, new Date(2026, 10, 29, 12, 0, 0).toISOString());
});

test('a history newer than the clock (the clock went back) causes neither a backup nor a crash', { timeout: 30_000 }, async (t) => {
  const future: HistoryEntry = { trigger: 'manual', result: 'completed', startedAt: new Date(START + 5 * DAY).toISOString(), finishedAt: new Date(START + 5 * DAY).toISOString() };
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '08:00' } }, history: [future] });
  await r.engine.start();
  r.engine.systemResumed();
  await r.run(MIN);
  assert.equal(r.starts, 0);
  assert.equal(r.engine.getState().phase, 'idle');
  assert.ok(r.logs.some((m) => /clock went back/.test(m)), r.logs.join('\n'));
  // The clock jumps back further: the schedule is recomputed, still no burst.
  r.clock.jump(-3 * DAY);
  await r.run(20 * MIN);
  assert.equal(r.starts, 0);
  assert.equal((await r.backups()).length, 0);
});

test('a clock jump forward while awake is noticed within one chunk and runs once', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '12:00' } } });
  await r.engine.start();
  r.clock.jump(5 * HOUR); // 09:00 → 14:00 without sleeping
  await r.run(11 * MIN);
  assert.equal(r.starts, 1);
  assert.equal((await r.backups()).length, 1);
  await r.run(HOUR);
  assert.equal(r.starts, 1, 'and only once');
});

test('transient failures retry with exponential backoff and a cap; then success', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'off' }, retries: { maxRetries: 3, baseDelaySeconds: 30, maxDelaySeconds: 50 } }, stallTimeoutMs: 300 });
  const startedAt: number[] = [];
  r.engine.on('run-started', (e) => startedAt.push(Date.parse(e.startedAt) - START));
  await r.engine.start();

  // 1: PiecesOS is not running at all.
  await r.emulatorDown();
  const first = r.engine.backupNow();
  assert.ok(first.started);
  assert.equal((await first.done).error?.kind, 'unreachable');
  assert.deepEqual(r.engine.getState().retry, { at: new Date(START + 30_000).toISOString(), attempt: 1, attempts: 4 });

  // 2: it is back but answers 500.
  await r.emulatorUp({ serverError: true });
  await r.run(30_000);
  assert.equal(r.starts, 2);
  assert.deepEqual(r.engine.getState().retry, { at: new Date(START + 80_000).toISOString(), attempt: 2, attempts: 4 });

  // 3: the stream goes quiet mid-backup (the client gives up after 300 ms of silence).
  r.emu.setFaults({ stallAtPercent: 0 });
  await r.run(50_000);
  assert.equal(r.starts, 3);
  await r.emulatorIdle(); // the abandoned create has been cleaned up on the server

  // 4: healthy again.
  r.emu.setFaults({});
  await r.run(10 * MIN);
  assert.equal(r.starts, 4);
  const runs = await r.runs();
  assert.deepEqual(runs.map((e) => `${e.trigger}:${e.result}`), ['manual:failed', 'retry:failed', 'retry:failed', 'retry:completed']);
  assert.deepEqual(runs.map((e) => e.error?.kind ?? null), ['unreachable', 'http', 'stalled', null]);
  // Delays 30 s, then 60 capped at 50, then 50 (virtual time does not move while real work runs).
  assert.deepEqual(startedAt, [0, 30_000, 80_000, 130_000]);
  assert.equal(r.engine.getState().phase, 'idle');
  assert.equal(r.engine.getState().retry, null);
  assert.equal((await r.backups()).length, 1);
});

test('retries are bounded; not-signed-in is never retried', { timeout: 30_000 }, async (t) => {
  // The server drops the connection mid-stream on every attempt.
  const r = await rig(t, { settings: { schedule: { kind: 'off' }, retries: { maxRetries: 2, baseDelaySeconds: 1, maxDelaySeconds: 10 } }, faults: { dropAtPercent: 50 } });
  await r.engine.start();
  r.engine.backupNow();
  await r.run(HOUR);
  assert.equal(r.starts, 3);
  // A dropped connection is no proof PiecesOS is gone: an error, not "offline".
  assert.equal(r.engine.getState().phase, 'error');
  assert.equal(r.engine.getState().lastError?.kind, 'connection-lost');
  assert.equal(r.engine.getState().retry, null);
  r.emu.setFaults({ notSignedIn: true });
  r.engine.backupNow();
  await r.run(HOUR);
  assert.equal(r.starts, 4);
  assert.equal(r.engine.getState().phase, 'error');
  assert.equal(r.engine.getState().lastError?.kind, 'not-signed-in');
  assert.deepEqual((await r.runs()).map((e) => `${e.trigger}:${e.error?.kind}`), ['manual:connection-lost', 'retry:connection-lost', 'retry:connection-lost', 'manual:not-signed-in']);
  r.emu.setFaults({});
  assert.equal((await r.backups()).length, 0);
});

test('pause for an hour skips the schedule and ends by itself; until resumed needs resume()', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'every-n-hours', hours: 1 } } });
  const { engine } = r;
  await engine.start();
  const st = await engine.pause('1h');
  assert.equal(st.phase, 'paused');
  const onDisk = JSON.parse(await readFile(r.settings.path, 'utf8')) as { pausedUntil: string | null };
  assert.equal(onDisk.pausedUntil, new Date(START + HOUR).toISOString(), 'the pause is saved in the settings file');
  await r.run(HOUR + MIN);
  assert.equal(r.starts, 0, 'the 10:00 run was paused');
  // The engine clears the ended pause in the settings file without blocking: wait for that write.
  await waitFor(() => r.settings.get().pausedUntil === null, 'the ended pause to be cleared in the settings');
  assert.equal(engine.getState().phase, 'idle');
  await r.run(HOUR);
  assert.equal(r.starts, 1);
  await engine.pause('resume');
  assert.equal(engine.getState().nextRun, null);
  await r.run(5 * HOUR);
  assert.equal(r.starts, 1);
  // Manual backups still work while paused.
  const manual = engine.backupNow();
  assert.ok(manual.started);
  await r.run(MIN);
  assert.equal(r.starts, 2);
  await engine.resume();
  await r.run(HOUR);
  assert.equal(r.starts, 3);
  assert.deepEqual((await r.runs()).map((e) => `${e.trigger}:${e.result}`), ['scheduled:completed', 'manual:completed', 'scheduled:completed']);
  assert.equal((await r.backups()).length, 3);
});

test('stop mid-backup cancels it and records canceled; the server keeps nothing', { timeout: 30_000 }, async (t) => {
  // The server stalls at half way, so the backup is reliably still running when we stop.
  const r = await rig(t, { settings: { schedule: { kind: 'off' } }, sourceBytes: 1_000_000, faults: { stallAtPercent: 50 } });
  await r.engine.start();
  const run = r.engine.backupNow();
  assert.ok(run.started);
  await waitFor(() => (r.engine.getState().running?.percentage ?? 0) > 0, 'progress from the server');
  assert.equal(r.engine.getState().phase, 'running');
  await r.engine.stop();
  const entry = await run.done;
  assert.equal(entry.result, 'canceled');
  assert.equal(entry.error?.kind, 'canceled');
  assert.deepEqual((await r.runs()).map((e) => e.result), ['canceled']);
  await r.emulatorIdle();
  assert.equal((await r.backups()).length, 0);
  assert.deepEqual(await readdir(join(r.dataDir, 'cloud')), [], 'no archive, not even a partial one');
});

test('progress reaches consumers coalesced; terminal states always arrive', { timeout: 30_000 }, async (t) => {
  // ~6.5 MB at 6.5 MB/s: about a hundred progress values over about a second.
  const r = await rig(t, { settings: { schedule: { kind: 'off' } }, sourceBytes: 6_500_000, bytesPerSecond: 6_500_000 });
  const { clock, engine, states } = r;
  await engine.start();
  states.length = 0;
  const deliveredAt: number[] = [];
  engine.on('state', (s) => s.phase === 'running' && deliveredAt.push(clock.now()));
  const t0 = clock.now();
  const run = engine.backupNow();
  assert.ok(run.started);
  // Virtual time follows real time while the backup streams, so the coalescer's timers fire.
  let last = Date.now();
  while (engine.getState().running !== null) {
    await sleep(5);
    const now = Date.now();
    await clock.advance(now - last);
    last = now;
  }
  assert.equal((await run.done).result, 'completed');
  const virtualMs = clock.now() - t0;
  const running = states.filter((s) => s.phase === 'running');
  assert.ok(r.rawProgress >= 50, `${r.rawProgress} progress values from the server`);
  assert.ok(running.length >= 5, `${running.length} running updates reached the consumer`);
  // One for the start, then at most one per 34 ms.
  assert.ok(running.length <= 2 + Math.floor(virtualMs / 34), `${running.length} running updates in ${virtualMs} ms`);
  assert.ok(running.length < r.rawProgress, `${running.length} updates for ${r.rawProgress} progress values`);
  // Apart from the first (run-started, delivered at once): no two deliveries closer than half an
  // interval, and any two consecutive gaps add up to two intervals (coalesce.ts: a value right
  // after a late update is not held back, yet no second holds more than 30).
  for (let i = 2; i < deliveredAt.length; i++) assert.ok(deliveredAt[i]! - deliveredAt[i - 1]! >= 17, `updates ${deliveredAt[i - 1]} and ${deliveredAt[i]}`);
  for (let i = 3; i < deliveredAt.length; i++) assert.ok(deliveredAt[i]! - deliveredAt[i - 2]! >= 68, `updates ${deliveredAt[i - 2]} and ${deliveredAt[i]}`);
  const percents = running.map((s) => s.running?.percentage ?? 0);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress never goes backwards');
  assert.equal(states.at(-1)!.phase, 'idle');
  assert.ok(states.at(-1)!.lastSuccess?.backupId);
});

test('retention runs after success: this device only, never the newest, deletions recorded', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'off' }, retention: { enabled: true, keepLast: 2, maxAgeDays: null, includeOtherDevices: false } } });
  // Backups the server already holds (created on the real clock, like the emulator's own).
  const now = Date.now();
  await r.emu.seed(1, { deviceName: DEVICE, startDate: new Date(now - 10 * DAY) });
  await r.emu.seed(1, { deviceName: DEVICE, startDate: new Date(now - 20 * DAY) });
  await r.emu.seed(1, { deviceName: 'desktop', startDate: new Date(now - 30 * DAY) });
  const [old1, old2, other] = await r.backups();
  assert.deepEqual([old1?.deviceName, old2?.deviceName, other?.deviceName], [DEVICE, DEVICE, 'desktop']);
  const retention: string[] = [];
  r.engine.on('retention', (e) => retention.push(...e.deleted.map((b) => b.id)));
  const lists: string[][] = [];
  r.engine.on('backups', (l) => lists.push(l.map((b) => b.id)));
  // Ages are judged on the engine's clock against dates the emulator stamps in real time.
  r.clock.jump(Date.now() - r.clock.now());
  await r.engine.start();
  const preview = await r.engine.previewRetention(r.settings.get().retention);
  assert.deepEqual(preview.delete.map((b) => b.id), []);
  assert.equal(preview.thisDevice, DEVICE, 'PiecesOS named this device');
  const run = r.engine.backupNow();
  assert.ok(run.started);
  const entry = await run.done;
  assert.equal(entry.result, 'completed');
  assert.deepEqual(retention, [old2!.id]);
  // The run's history record says what retention removed (History shows "removed 1", the ids expanded).
  assert.deepEqual(entry.retentionDeleted, [old2!.id]);
  assert.deepEqual((await r.history.list())[0]?.retentionDeleted, [old2!.id]);
  const after = (await r.backups()).map((b) => b.id);
  assert.deepEqual(after, [entry.backupId, old1!.id, other!.id]);
  assert.deepEqual(lists, [after], 'the window gets the list without the deleted backup');
  const recorded = await r.deletionLog.list();
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]!.backupId, old2!.id);
  assert.equal(recorded[0]!.deviceName, DEVICE);
  assert.match(recorded[0]!.reason, /keep the newest 2/);
});
