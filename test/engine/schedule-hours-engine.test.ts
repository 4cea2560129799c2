// "Every 8 hours" run by the real engine on a ManualClock for three days against the emulator:
// every backup is exactly 8 hours after the one before, also across midnight (with divisors of
// 24 only, the cron never restarts the count at midnight; every 5 hours left a 4-hour gap there).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openSettings } from '../../main/settings/store.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { waitFor } from '../helpers/wait.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Local 09:30, so the first runs are 16:00 and midnight in any time zone (no DST in early March).
const START = new Date(2026, 2, 2, 9, 30).getTime();

/** `hours`: saved through the store; `fileV5Hours`: a version-5 settings file written before the store opens it. */
async function rig(t: TestContext, o: { hours?: number; fileV5Hours?: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-every-n-'));
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.txt'), 'x'.repeat(2048));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), source, deviceName: 'laptop', log: () => undefined });
  const client = createClient({ baseUrl: emu.url, timeoutMs: 5000, stallTimeoutMs: 10_000 });
  const clock = new ManualClock(START);
  const cfg = join(dir, 'cfg');
  if (o.fileV5Hours !== undefined) {
    await mkdir(cfg, { recursive: true });
    await writeFile(join(cfg, 'config.json'), JSON.stringify({ version: 5, schedule: { kind: 'every-n-hours', hours: o.fileV5Hours } }));
  }
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  if (o.hours !== undefined) await settings.update({ schedule: { kind: 'every-n-hours', hours: o.hours } });
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(cfg);
  const identity = openDeviceIdentity(cfg, { now: () => clock.now() });
  const engine = new BackupEngine({ api: async () => client, settings, history, clock, identity, log: () => undefined });
  t.after(async () => {
    await engine.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const idle = () => waitFor(() => engine.getState().running === null, 'the backup in flight to finish');
  /** Move virtual time by `ms`, one due timer at a time, letting each backup finish first. */
  async function run(ms: number): Promise<void> {
    let left = ms;
    for (let guard = 0; guard < 100_000; guard++) {
      await idle();
      const next = clock.nextTimerIn();
      if (next === null || next > left) break;
      await clock.advance(next);
      left -= next;
    }
    await clock.advance(left);
    await idle();
  }
  return { engine, history, run };
}

test('every 8 hours over three days: each scheduled backup exactly 8 hours after the one before, across midnight too', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { hours: 8 });
  await r.engine.start();
  await r.run(3 * DAY);
  const runs = (await r.history.list()).reverse();
  assert.equal(runs.length, 9, JSON.stringify(runs.map((e) => [e.trigger, e.result, e.startedAt])));
  assert.ok(runs.every((e) => e.trigger === 'scheduled' && e.result === 'completed'));
  const starts = runs.map((e) => Date.parse(e.startedAt));
  assert.equal(new Date(starts[0]!).getHours(), 16);
  assert.deepEqual(starts.slice(1).map((s, i) => s - starts[i]!), Array.from({ length: 8 }, () => 8 * HOUR));
  assert.ok(starts.some((s) => new Date(s).getHours() === 0), 'one ran at midnight');
});

test('a saved "every 5 hours" from before runs every 4 hours: no short gap at midnight', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { fileV5Hours: 5 });
  await r.engine.start();
  await r.run(2 * DAY);
  const starts = (await r.history.list()).reverse().map((e) => Date.parse(e.startedAt));
  assert.equal(starts.length, 12);
  assert.deepEqual(starts.slice(1).map((s, i) => s - starts[i]!), Array.from({ length: 11 }, () => 4 * HOUR));
});
