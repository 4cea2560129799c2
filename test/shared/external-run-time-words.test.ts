// How the tray and the window word the time of another app's run: "Seen for 3:12" (how long this
// app has seen it, never "Elapsed", since when it started is not known) and, once the engine has
// an estimate, the same "About 3 minutes left" as our own runs, counted down between values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { externalRunTimeLine } from '../../main/shared/external-run-text.js';
import { trayTooltip } from '../../main/electron/tray-menu.js';
import type { EngineState } from '../../main/engine/types.js';
import { conn, idle as idleScheduled, settings } from '../helpers/tray-states.js';

const SEEN = Date.parse('2026-11-28T12:00:00.000Z');
const at = (sec: number) => SEEN + sec * 1000;
const seenSince = new Date(SEEN).toISOString();

test('externalRunTimeLine: how long it has been seen, then about how long it has left', () => {
  assert.equal(externalRunTimeLine({ kind: 'backup', percentage: 5, seenSince }, at(42)), 'Seen for 0:42');
  const timeLeft = { ms: 180_000, at: new Date(at(60)).toISOString(), quietLimitMs: 60_000 };
  assert.equal(externalRunTimeLine({ kind: 'backup', percentage: 30, seenSince, timeLeft }, at(60)), 'Seen for 1:00 · About 3 minutes left');
  // Counted down between values, and withdrawn once the percentage stands still too long.
  assert.equal(externalRunTimeLine({ kind: 'restore', percentage: 30, seenSince, timeLeft }, at(90)), 'Seen for 1:30 · About 3 minutes left');
  assert.equal(externalRunTimeLine({ kind: 'restore', percentage: 30, seenSince, timeLeft }, at(100)), 'Seen for 1:40 · About 2 minutes left');
  assert.equal(externalRunTimeLine({ kind: 'restore', percentage: 30, seenSince, timeLeft }, at(95 + 60)), 'Seen for 2:35');
});

test('externalRunTimeLine: nothing when the engine did not say when it saw the run', () => {
  assert.equal(externalRunTimeLine({ kind: 'backup', percentage: 42 }, at(10)), null);
  assert.equal(externalRunTimeLine({ kind: 'backup', percentage: 42, seenSince: 'not a time' }, at(10)), null);
});

test('tray tooltip: another app\'s run has its time line, as our own runs have theirs', () => {
  const timeLeft = { ms: 180_000, at: new Date(at(60)).toISOString(), quietLimitMs: 30_000 };
  const state: EngineState = { ...idleScheduled, nextRun: null, external: { kind: 'backup', percentage: 42, seenSince, timeLeft } };
  const tip = trayTooltip({ state, settings, connection: conn, now: new Date(at(60)) });
  assert.deepEqual(tip.split('\n').slice(1), ['Backing up (started in another app) 42 %', 'Seen for 1:00 · About 3 minutes left']);
  const unknown: EngineState = { ...state, external: { kind: 'backup', percentage: 42 } };
  assert.deepEqual(trayTooltip({ state: unknown, settings, connection: conn, now: new Date(at(60)) }).split('\n').slice(1), ['Backing up (started in another app) 42 %']);
});
