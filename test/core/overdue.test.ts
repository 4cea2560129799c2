// Overdue: no successful backup for longer than overdueDays (or twice the schedule's interval):
// the engine's state says so from the moment it becomes true (a timer, no polling), and the
// notice policy turns it into one notification, repeated at most once a day, never while paused.
// Real parts: settings and history files; PiecesOS is closed (a refused port), so every
// scheduled backup really fails. Only time is injected (ManualClock).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openSettings } from '../../main/settings/store.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { createNoticePolicy } from '../../main/core/notices.js';
import { overdueOf } from '../../main/engine/overdue.js';
import type { Notice } from '../../main/core/types.js';
import type { SettingsPatch } from '../../main/settings/schema.js';
import type { HistoryEntry } from '../../main/engine/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = new Date(2026, 10, 27, 9, 0, 0).getTime();

/** A loopback port nobody listens on: PiecesOS is not running. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function rig(t: TestContext, o: { settings?: SettingsPatch; history?: HistoryEntry[] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-overdue-'));
  const clock = new ManualClock(START);
  const settings = openSettings({ configDir: dir, now: () => clock.now() });
  await settings.update({ retries: { maxRetries: 0, baseDelaySeconds: 30, maxDelaySeconds: 60 }, catchUp: false, ...o.settings });
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(dir);
  for (const e of o.history ?? []) await history.record(e);
  const client = createClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2000 });
  let running = 0;
  const engine = new BackupEngine({
    api: async () => client, settings, history, clock, identity: openDeviceIdentity(dir, { now: () => clock.now() }),
    available: async () => false,
  });
  engine.on('run-started', () => running++);
  engine.on('run-finished', () => running--);
  const policy = createNoticePolicy({ settings: () => settings.get(), clock });
  const notices: Notice[] = [];
  engine.on('state', (s) => {
    const n = policy.fromState(s);
    if (n) notices.push(n);
  });
  t.after(async () => {
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const settled = async () => {
    const end = Date.now() + 10_000;
    while (running > 0 || engine.getState().running) {
      if (Date.now() > end) throw new Error('a backup did not end within 10 s');
      await sleep(5);
    }
  };
  return {
    clock, engine, settings, notices,
    async advance(ms: number) {
      const end = clock.now() + ms;
      for (;;) {
        await settled();
        const next = clock.nextTimerIn();
        const left = end - clock.now();
        if (next === null || next > left) {
          await clock.advance(left);
          return settled();
        }
        await clock.advance(next);
      }
    },
  };
}

test('overdue after 3 days without a backup (from the schedule start), one notification, then at most one a day', async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '12:00' } } });
  await r.engine.start();
  assert.equal(r.engine.getState().overdue, null);
  await r.advance(3 * DAY - HOUR);
  assert.equal(r.engine.getState().overdue, null, 'not overdue before 3 days');
  assert.equal(r.notices.length, 0);
  await r.advance(2 * HOUR);
  assert.deepEqual(r.engine.getState().overdue, { since: new Date(START).toISOString(), days: 3 }, 'overdue once 3 days have passed, with no poll needed');
  assert.deepEqual(r.notices.map((n) => n.title), ['No backup for 3 days']);
  await r.advance(DAY - 2 * HOUR);
  assert.equal(r.notices.length, 1, 'not repeated within a day, whatever the state changes');
  await r.advance(3 * HOUR);
  assert.equal(r.engine.getState().overdue?.days, 4);
  assert.deepEqual(r.notices.map((n) => n.title), ['No backup for 3 days', 'No backup for 4 days'], 'repeated once the next day');
});

test('no overdue notification while paused on purpose (the state still knows), and it comes after resuming', async (t) => {
  const r = await rig(t, { settings: { schedule: { kind: 'daily', time: '12:00' } } });
  await r.engine.start();
  await r.engine.pause('resume');
  await r.advance(5 * DAY);
  assert.equal(r.engine.getState().overdue?.days, 5);
  assert.equal(r.notices.length, 0, 'paused on purpose: no overdue notification');
  await r.engine.resume();
  await r.advance(1000);
  assert.deepEqual(r.notices.map((n) => n.title), ['No backup for 5 days']);
});

test('a weekly schedule is overdue after two weeks, not after 3 days', async (t) => {
  const last = new Date(START - DAY).toISOString();
  const r = await rig(t, {
    settings: { schedule: { kind: 'weekly', day: 1, time: '12:00' } },
    history: [{ trigger: 'manual', result: 'completed', startedAt: last, finishedAt: last, bytes: 1 }],
  });
  await r.engine.start();
  await r.advance(12 * DAY);
  assert.equal(r.engine.getState().overdue, null, 'a weekly schedule allows two weeks');
  await r.advance(2 * DAY);
  assert.equal(r.engine.getState().overdue?.days, 15, 'two weeks passed a day after the last backup');
  assert.equal(r.notices.length, 1);
});

test('overdueOf: the threshold, the reference and the schedule off', () => {
  const spec = { kind: 'daily', time: '12:00' } as const;
  const base = { lastSuccessAt: null, scheduleSetAt: new Date(START).toISOString(), spec, overdueDays: 3 };
  assert.equal(overdueOf({ ...base, now: START + 3 * DAY }), null, 'exactly 3 days is not yet overdue');
  assert.deepEqual(overdueOf({ ...base, now: START + 3 * DAY + 1 }), { since: base.scheduleSetAt, days: 3 });
  assert.equal(overdueOf({ ...base, overdueDays: 7, now: START + 5 * DAY }), null);
  assert.equal(overdueOf({ ...base, lastSuccessAt: new Date(START + 4 * DAY).toISOString(), now: START + 5 * DAY }), null, 'counts from the last success');
  assert.equal(overdueOf({ ...base, spec: { kind: 'off' }, now: START + 30 * DAY }), null, 'no schedule: nothing is expected');
  assert.equal(overdueOf({ ...base, scheduleSetAt: null, now: START + 30 * DAY }), null);
});
