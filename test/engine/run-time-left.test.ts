// A run carries its time left in the engine's state (what the tray and the window show), measured
// from its own progress values at the engine's clock: none before 10 %, none after a RESET, and a
// restore's second step starts measuring afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Run } from '../../main/engine/run.js';
import type { Backup } from '../../main/api/wire.js';

const T0 = Date.parse('2026-11-28T12:00:00.000Z');

function clocked(kind: 'backup' | 'restore') {
  let now = T0;
  const run = new Run(kind, kind === 'restore' ? 'restore' : 'manual', () => new Date(now).toISOString());
  return { run, at: (sec: number) => (now = T0 + sec * 1000) };
}

test('a backup run reports no time left before 10 %, then the one its pace gives', () => {
  const { run, at } = clocked('backup');
  for (let p = 0; p < 10; p++) {
    at(p * 2);
    run.progress({ status: 'IN-PROGRESS', percentage: p });
    assert.equal(run.view().timeLeft, undefined, `at ${p} %`);
  }
  at(20);
  run.progress({ status: 'IN-PROGRESS', percentage: 10 });
  assert.deepEqual(run.view().timeLeft, { ms: 180_000, at: new Date(T0 + 20_000).toISOString(), quietLimitMs: 30_000 });
  // A RESET starts over: nothing said until it has made 10 points again.
  at(21);
  run.progress({ status: 'RESET', percentage: null });
  assert.equal(run.view().timeLeft, undefined);
});

test("a restore's restore step measures its own pace, not the safety backup's", () => {
  const { run, at } = clocked('restore');
  const target = { id: 'b1', deviceName: 'laptop', created: '2026-11-27T10:00:00.000Z', bytes: 1, version: '1', timestamp: '1', platform: 'LINUX' } as Backup;
  run.step('safety-backup', target);
  for (let p = 0; p <= 50; p++) {
    at(p);
    run.progress({ status: 'IN-PROGRESS', percentage: p });
  }
  assert.equal(run.view().timeLeft?.ms, 50_000);
  run.step('restore', target);
  assert.equal(run.view().timeLeft, undefined, 'a new step starts from nothing');
  at(60);
  run.progress({ status: 'IN-PROGRESS', percentage: 0 });
  at(80);
  run.progress({ status: 'IN-PROGRESS', percentage: 20 });
  assert.equal(run.view().timeLeft?.ms, 80_000, '1 s a point in this step');
});
