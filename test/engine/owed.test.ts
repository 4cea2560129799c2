// "Back up when PiecesOS returns": a scheduled backup that could not reach PiecesOS is owed, and
// exactly one backup runs once PiecesOS answers again. Real parts: the HTTP client, the real
// health probe and list against the emulator over loopback (started late, on a port chosen
// first), real settings and history files. Only time is injected (ManualClock).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openSettings } from '../../main/settings/store.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { OWED_MAX_CHECK_MS, owedFromHistory, piecesOsAnswers } from '../../main/engine/owed.js';
import type { SettingsPatch } from '../../main/settings/schema.js';
import type { HistoryEntry } from '../../main/engine/types.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = new Date(2026, 10, 27, 9, 0, 0).getTime(); // local 09:00; the daily backup is at 12:00

async function rig(t: TestContext, o: { history?: HistoryEntry[]; settings?: SettingsPatch } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-owed-'));
  const cfg = join(dir, 'cfg');
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.txt'), 'pieces data\n'.repeat(200));
  const emuOpts = { dataDir: join(dir, 'emu'), source, deviceName: 'laptop', log: () => undefined };
  // Choose a free port, then leave it closed: PiecesOS is not running yet.
  const probeEmu = await startEmulator({ port: 0, ...emuOpts });
  const port = probeEmu.port;
  const url = probeEmu.url;
  await probeEmu.close();
  let emu: RunningEmulator | null = null;

  const clock = new ManualClock(START);
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  await settings.update({ schedule: { kind: 'daily', time: '12:00' }, retries: { maxRetries: 1, baseDelaySeconds: 30, maxDelaySeconds: 60 }, ...o.settings });
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(cfg);
  for (const e of o.history ?? []) await history.record(e);
  const client = createClient({ baseUrl: url, timeoutMs: 5000, stallTimeoutMs: 10_000 });
  let checks = 0;
  let checking = false;
  const engine = new BackupEngine({
    api: async () => client,
    settings,
    history,
    clock,
    identity: openDeviceIdentity(cfg, { now: () => clock.now() }),
    // The engine's own check (health, then the list), counted so the test knows when one is over.
    available: async () => {
      checking = true;
      try {
        return await piecesOsAnswers(async () => client);
      } finally {
        checks++;
        checking = false;
      }
    },
  });
  let starts = 0;
  engine.on('run-started', () => starts++);
  t.after(async () => {
    await engine.stop();
    await emu?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const idle = () => waitFor(() => engine.getState().running === null && !checking, 'the run or check in flight to end');
  return {
    clock, engine, history, client,
    get starts() {
      return starts;
    },
    get checks() {
      return checks;
    },
    /** Move virtual time on one timer at a time, letting each run or check (real HTTP) finish first. */
    async advance(ms: number): Promise<void> {
      const end = clock.now() + ms;
      for (;;) {
        await idle();
        const next = clock.nextTimerIn();
        const left = end - clock.now();
        if (next === null || next > left) {
          await clock.advance(left);
          await idle();
          return;
        }
        await clock.advance(next);
      }
    },
    piecesOsUp: async () => {
      emu = await startEmulator({ port, ...emuOpts });
    },
    completed: async () => (await history.list()).filter((e) => e.result === 'completed'),
  };
}

test('a scheduled backup that could not reach PiecesOS runs once, when PiecesOS comes back', async (t) => {
  const r = await rig(t);
  await r.engine.start();
  assert.equal(r.engine.getState().owed, null, 'nothing is owed before anything failed');

  // 12:00: the scheduled backup finds PiecesOS closed; its one retry 30 s later too.
  await r.advance(3 * HOUR + MIN);
  const failed = (await r.history.list()).filter((e) => e.result === 'failed');
  assert.deepEqual(failed.map((e) => [e.trigger, e.error?.kind]), [['retry', 'unreachable'], ['scheduled', 'unreachable']]);
  const owed = r.engine.getState().owed;
  assert.ok(owed, 'the backup is owed once its retries are spent');
  assert.equal(r.engine.getState().retry, null);

  // PiecesOS stays away for an hour: the watch backs off (1, 2, 4, then every 5 minutes), no backup is tried.
  const startsBefore = r.starts;
  await r.advance(HOUR);
  assert.equal(r.starts, startsBefore, 'no backup is tried while PiecesOS does not answer');
  assert.ok(r.checks >= 12 && r.checks <= 15, `checks back off to one per 5 minutes (got ${r.checks} in an hour)`);
  assert.deepEqual(r.engine.getState().owed, owed);

  // PiecesOS comes back: within 5 minutes exactly one backup runs.
  await r.piecesOsUp();
  await r.advance(OWED_MAX_CHECK_MS);
  const done = await r.completed();
  assert.equal(done.length, 1, 'exactly one backup once PiecesOS answers');
  // Recorded as what it is, so History and the notification give the real reason (PiecesOS was
  // away), not "missed while your computer was off or asleep" (a catch-up's).
  assert.equal(done[0]!.trigger, 'owed');
  assert.equal((await r.client.list()).length, 1, 'PiecesOS holds exactly one backup');
  assert.equal(r.engine.getState().owed, null);

  // Nothing more until the next day's scheduled backup: no watch timer, no second backup.
  const checks = r.checks;
  await r.advance(20 * HOUR);
  assert.equal(r.checks, checks, 'no check for PiecesOS once nothing is owed');
  assert.equal((await r.completed()).length, 1);
});

test('an owed backup survives a restart: a daemon started while PiecesOS is down backs up once it appears', async (t) => {
  const at = (h: number) => new Date(START - h * HOUR).toISOString();
  const r = await rig(t, {
    settings: { catchUp: false, retries: { maxRetries: 0, baseDelaySeconds: 30, maxDelaySeconds: 60 } },
    history: [
      { trigger: 'manual', result: 'completed', startedAt: at(30), finishedAt: at(30), bytes: 10 },
      { trigger: 'scheduled', result: 'failed', startedAt: at(21), finishedAt: at(21), error: { kind: 'unreachable', message: 'PiecesOS is not reachable.' } },
    ],
  });
  await r.engine.start();
  assert.equal(r.engine.getState().owed?.since, at(21), 'owed, from the history');
  await r.advance(10 * MIN);
  assert.equal(r.starts, 0, 'nothing runs while PiecesOS is away');
  await r.piecesOsUp();
  await r.advance(OWED_MAX_CHECK_MS);
  assert.equal((await r.completed()).length, 2, 'the owed backup ran once');
  assert.equal(r.starts, 1);
  assert.equal(r.engine.getState().owed, null);
});

test('pausing on purpose stops the watch; no backup runs while paused, the owed one runs after resuming', async (t) => {
  const r = await rig(t, {
    settings: { catchUp: false },
    history: [{ trigger: 'scheduled', result: 'failed', startedAt: new Date(START - HOUR).toISOString(), finishedAt: new Date(START - HOUR).toISOString(), error: { kind: 'not-signed-in', message: 'Sign in.' } }],
  });
  await r.engine.start();
  assert.ok(r.engine.getState().owed);
  await r.engine.pause('resume');
  await r.piecesOsUp();
  const checks = r.checks;
  await r.advance(2 * HOUR);
  assert.equal(r.checks, checks, 'no check while paused');
  assert.equal(r.starts, 0);
  await r.engine.resume();
  await r.advance(OWED_MAX_CHECK_MS);
  assert.equal(r.starts, 1, 'the owed backup runs after resuming');
});

test('owedFromHistory: owed after an automatic failure of PiecesOS away or signed out, not after a success or another failure', () => {
  const e = (trigger: HistoryEntry['trigger'], result: HistoryEntry['result'], kind?: string): HistoryEntry => ({
    trigger, result, startedAt: 'x', finishedAt: `${trigger}-${result}`, ...(kind ? { error: { kind: kind as never, message: 'm' } } : {}),
  });
  assert.deepEqual(owedFromHistory([e('retry', 'failed', 'unreachable'), e('scheduled', 'failed', 'unreachable')]), { since: 'retry-failed' });
  assert.deepEqual(owedFromHistory([e('manual', 'failed', 'unreachable'), e('scheduled', 'skipped'), e('catch-up', 'failed', 'not-signed-in')]), { since: 'catch-up-failed' });
  assert.equal(owedFromHistory([e('manual', 'completed'), e('scheduled', 'failed', 'unreachable')]), null);
  assert.equal(owedFromHistory([e('scheduled', 'failed', 'http'), e('scheduled', 'failed', 'unreachable')]), null);
  assert.equal(owedFromHistory([e('manual', 'failed', 'unreachable')]), null, 'a manual backup is not owed');
  assert.equal(owedFromHistory([]), null);
});
