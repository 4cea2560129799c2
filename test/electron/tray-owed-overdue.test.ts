// The tray for an owed backup and an overdue one: its lines, tooltip and warning icon; never while
// paused on purpose (the paused line says it) nor while a backup runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, trayTooltip } from '../../main/electron/tray-menu.js';
import { trayIconFile } from '../../main/electron/tray-icons.js';
import type { ConnectionInfo, EngineState } from '../../main/engine/types.js';
import { at, conn as reachable, now, settings } from '../helpers/tray-states.js';

const conn: ConnectionInfo = { ...reachable, reachable: false };
const labels = (state: EngineState): string[] =>
  buildTrayMenu({ state, settings, connection: conn, now }).filter((i) => i.id?.startsWith('status-')).map((i) => i.label ?? '');

const owedOverdue: EngineState = {
  phase: 'offline', running: null, pausedUntil: null,
  lastError: { kind: 'unreachable', message: 'PiecesOS is not reachable.' },
  lastSuccess: { at: at(12, 0, -4) }, nextRun: at(12, 0, 1), retry: null,
  owed: { since: at(12, 5) }, overdue: { since: at(12, 0, -4), days: 4 },
};

test('owed and overdue: the tray says both, the tooltip too, and the icon is the warning one', () => {
  const lines = labels(owedOverdue);
  assert.ok(lines.includes('No backup for 4 days'), lines.join(' | '));
  assert.ok(lines.includes('Will back up when PiecesOS is available'), lines.join(' | '));
  assert.match(trayTooltip({ state: owedOverdue, settings, connection: conn, now }), /No backup for 4 days · Will back up when PiecesOS is available/);
  assert.equal(trayIconFile('idle', 'linux', undefined, true), 'error.png');
  assert.equal(trayIconFile('idle', 'darwin', undefined, true), 'error.png', 'in colour on macOS too: it needs attention');
  assert.equal(trayIconFile('idle', 'win32', undefined, true), 'error.ico');
  assert.equal(trayIconFile('idle', 'linux', undefined, false), 'idle.png');
  assert.equal(trayIconFile('running', 'linux', 'backup', true), 'running.png', 'a backup in flight shows as such');
});

test('while a retry is due the owed line waits (the retry line says when); paused on purpose shows neither', () => {
  const retrying = labels({ ...owedOverdue, retry: { at: at(17, 30), attempt: 1 } });
  assert.ok(!retrying.includes('Will back up when PiecesOS is available'));
  const paused = labels({ ...owedOverdue, pausedUntil: 'resume' });
  assert.ok(!paused.some((l) => /No backup for|Will back up when/.test(l)), paused.join(' | '));
  assert.ok(paused.includes('Automatic backups paused until you resume them'));
});
