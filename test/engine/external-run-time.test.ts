// Another client's run (the live watch) carries when this app first saw it and, from the
// percentages seen at the engine's clock, about how long it has left: the same ProgressEta as our
// own runs (none before 10 % and enough time, none after a percentage went backwards), started
// afresh for a new run or another kind, and gone when the run ends. The watch does not say when
// the run started, so the engine only says when it was first seen.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { openSettings } from '../../main/settings/store.js';
import type { EngineState } from '../../main/engine/types.js';
import { startEmulator } from '../../emulator/server.js';
import { makeSource, tempDir } from '../emulator/helpers.js';

const START = Date.UTC(2026, 10, 28, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

async function rig(t: TestContext) {
  const root = await tempDir(t, 'pb-external-time-');
  const { dir } = await makeSource(root);
  const emu = await startEmulator({ dataDir: join(root, 'emu'), source: dir, log: () => undefined });
  t.after(() => emu.close());
  const clock = new ManualClock(START);
  const cfg = join(root, 'cfg');
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  const api = createClient({ baseUrl: emu.url, timeoutMs: 5000 });
  const engine = new BackupEngine({ api: async () => api, settings, history: openHistory(cfg), clock, identity: openDeviceIdentity(cfg, { now: () => clock.now() }) });
  await engine.start();
  t.after(() => engine.stop());
  /** The external run as a window would receive it: through JSON, as over IPC. */
  const external = () => (JSON.parse(JSON.stringify(engine.getState())) as EngineState).external ?? null;
  return { engine, clock, external };
}

test('another client\'s run: seen since the first value, an estimate once 10 % and 3 s are seen, gone when it ends', async (t) => {
  const { engine, clock, external } = await rig(t);
  engine.setExternalRun({ kind: 'backup', percentage: 20 });
  assert.deepEqual(external(), { kind: 'backup', percentage: 20, seenSince: iso(START) });

  // 1 point a second; too few points yet for an estimate, and seenSince stays the first sighting.
  for (let p = 21; p <= 29; p++) {
    await clock.advance(1000);
    engine.setExternalRun({ kind: 'backup', percentage: p });
    assert.equal(external()?.seenSince, iso(START), `at ${p} %`);
    assert.equal(external()?.timeLeft ?? null, null, `no estimate at ${p} %`);
  }
  await clock.advance(1000);
  engine.setExternalRun({ kind: 'backup', percentage: 30 });
  // 10 points in 10 s: 70 points left take 70 s.
  assert.deepEqual(external(), {
    kind: 'backup', percentage: 30, seenSince: iso(START),
    timeLeft: { ms: 70_000, at: iso(START + 10_000), quietLimitMs: 30_000 },
  });

  // Backwards (PiecesOS started over): the estimate is withdrawn until 10 points are made again.
  await clock.advance(1000);
  engine.setExternalRun({ kind: 'backup', percentage: 5 });
  assert.equal(external()?.timeLeft ?? null, null, 'nothing measured is worth anything now');
  assert.equal(external()?.seenSince, iso(START), 'still the run first seen then');

  engine.setExternalRun(null);
  assert.equal(external(), null);
});

test('another client\'s run: a new run or another kind is seen afresh, its pace measured from nothing', async (t) => {
  const { engine, clock, external } = await rig(t);
  for (let s = 0; s <= 20; s++) {
    engine.setExternalRun({ kind: 'backup', percentage: 40 + s });
    await clock.advance(1000);
  }
  assert.ok(external()?.timeLeft, 'an estimate for the backup');

  // The backup ends; a restore shows up straight after (a different kind in the same breath).
  const restoreSeen = clock.now();
  engine.setExternalRun({ kind: 'restore', percentage: 50 });
  assert.deepEqual(external(), { kind: 'restore', percentage: 50, seenSince: iso(restoreSeen) }, 'the backup\'s pace is not the restore\'s');

  engine.setExternalRun(null);
  await clock.advance(60_000);
  const againSeen = clock.now();
  engine.setExternalRun({ kind: 'restore', percentage: 60 });
  assert.deepEqual(external(), { kind: 'restore', percentage: 60, seenSince: iso(againSeen) }, 'after an end, a new run');
});

test('another client\'s run: a value without a percentage is seen, with no estimate', async (t) => {
  const { engine, clock, external } = await rig(t);
  engine.setExternalRun({ kind: 'restore', percentage: null });
  await clock.advance(5000);
  engine.setExternalRun({ kind: 'restore', percentage: null });
  assert.deepEqual(external(), { kind: 'restore', percentage: null, seenSince: iso(START) });
});
