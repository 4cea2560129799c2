// The tray's tooltip says how long the run in flight has taken and, once the engine has an
// estimate, about how long it has left; nothing of the kind when nothing runs or the percentage
// has stood still too long for the estimate to hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trayTooltip } from '../../main/electron/tray-menu.js';
import type { EngineState } from '../../main/engine/types.js';
import { blankIdle as idle, conn, now, settings } from '../helpers/tray-states.js';

const ago = (sec: number): string => new Date(now.getTime() - sec * 1000).toISOString();
const tip = (state: EngineState) => trayTooltip({ state, settings, connection: conn, now });

test('a backup under way: elapsed time, then about how long it has left', () => {
  const early: EngineState = { ...idle, phase: 'running', running: { trigger: 'manual', startedAt: ago(83), status: 'IN-PROGRESS', percentage: 8 } };
  assert.equal(tip(early), 'Pieces Backup\nBacking up… 8 %\nElapsed 1:23');
  const later: EngineState = { ...early, running: { ...early.running!, percentage: 42, timeLeft: { ms: 190_000, at: ago(5), quietLimitMs: 30_000 } } };
  assert.equal(tip(later), 'Pieces Backup\nBacking up… 42 %\nElapsed 1:23 · About 3 minutes left');
  const stalled: EngineState = { ...later, running: { ...later.running!, timeLeft: { ms: 190_000, at: ago(45), quietLimitMs: 30_000 } } };
  assert.equal(tip(stalled), 'Pieces Backup\nBacking up… 42 %\nElapsed 1:23', 'stalled: no estimate');
});

test("a restore's safety backup says whose time left it is; the restore step says it plainly", () => {
  const base = { trigger: 'restore' as const, startedAt: ago(30), status: 'IN-PROGRESS' as const, percentage: 50, kind: 'restore' as const, timeLeft: { ms: 20_000, at: ago(1), quietLimitMs: 30_000 } };
  assert.equal(tip({ ...idle, phase: 'running', running: { ...base, phase: 'safety-backup' } }), 'Pieces Backup\nMaking a safety backup… 50 %\nElapsed 0:30 · Less than a minute left on the safety backup');
  assert.equal(tip({ ...idle, phase: 'running', running: { ...base, phase: 'restore' } }), 'Pieces Backup\nRestoring… 50 %\nElapsed 0:30 · Less than a minute left');
});

test('nothing running: no elapsed time', () => {
  assert.doesNotMatch(tip(idle), /Elapsed|left/);
});
