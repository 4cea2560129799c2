// The tray while PiecesOS runs a backup or restore another client started (the live watch): the
// menu says so (no percentage there: each change would rebuild the menu), the tooltip with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, trayTooltip } from '../../main/electron/tray-menu.js';
import { externalRunLine } from '../../main/shared/external-run-text.js';
import type { EngineState } from '../../main/engine/types.js';
import { conn, idle as idleScheduled, now, settings } from '../helpers/tray-states.js';

const idle: EngineState = { ...idleScheduled, nextRun: null };
const statusOf = (state: EngineState) => buildTrayMenu({ state, settings, connection: conn, now }).filter((i) => i.id?.startsWith('status-')).map((i) => i.label);

test('externalRunLine: kind and percentage, rounded and clamped, none before one is known', () => {
  assert.equal(externalRunLine({ kind: 'backup', percentage: 41.6 }), 'Backing up (started in another app) 42 %');
  assert.equal(externalRunLine({ kind: 'restore', percentage: 140 }), 'Restoring (started in another app) 100 %');
  assert.equal(externalRunLine({ kind: 'backup', percentage: null }), 'Backing up (started in another app)');
});

test('tray: another client\'s backup is in the menu and, with its percentage, in the tooltip', () => {
  const state: EngineState = { ...idle, external: { kind: 'backup', percentage: 42 } };
  assert.ok(statusOf(state).includes('Backing up (started in another app)'));
  assert.match(trayTooltip({ state, settings, connection: conn, now }), /Backing up \(started in another app\) 42 %/);
  assert.ok(!statusOf(idle).some((l) => l?.includes('another app')), 'nothing when none runs');
  assert.doesNotMatch(trayTooltip({ state: idle, settings, connection: conn, now }), /another app/);
});
