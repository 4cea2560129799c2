import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, trayTooltip, toMenuTemplate, statusLines, type TrayMenuItem, type TrayAction } from '../../main/electron/tray-menu.js';
import { formatAgo, formatBytes, formatWhen } from '../../main/shared/format.js';
import { setTimeStyle } from '../../main/shared/time-format.js';
import type { ConnectionInfo, EngineState } from '../../main/engine/types.js';
import { at, conn, idle, now, settings } from '../helpers/tray-states.js';

// Times follow the locale (time-format.test.ts shows both clocks): a 24-hour one here.
setTimeStyle({ locale: 'en-GB' });

const find = (items: TrayMenuItem[], id: string): TrayMenuItem | undefined => {
  for (const i of items) {
    if (i.id === id) return i;
    const inner = i.submenu && find(i.submenu, id);
    if (inner) return inner;
  }
  return undefined;
};
const labels = (items: TrayMenuItem[]): string[] => items.filter((i) => i.id?.startsWith('status-')).map((i) => i.label ?? '');

test('idle: last backup with size, next run, enabled actions', () => {
  const menu = buildTrayMenu({ state: idle, settings, connection: conn, now });
  assert.deepEqual(labels(menu), ['Last backup: 5 min ago · 12.3 MB', 'Next: today 18:00']);
  assert.ok(menu.filter((i) => i.id?.startsWith('status-')).every((i) => i.enabled === false), 'status lines are not clickable');
  assert.equal(find(menu, 'backup-now')?.enabled, true);
  assert.equal(find(menu, 'resume')?.enabled, false);
  assert.equal(find(menu, 'start-at-login')?.type, 'checkbox');
  assert.equal(find(menu, 'start-at-login')?.checked, false);
  assert.deepEqual(
    menu.filter((i) => i.label && !i.id?.startsWith('status-')).map((i) => i.label),
    ['Back up now', 'Pause automatic backups', 'Open Backups…', 'Settings…', 'Open log', 'Start at login', 'Quit'],
  );
  assert.deepEqual(find(menu, 'pause')?.submenu?.filter((i) => i.label).map((i) => i.label), ['For 1 hour', 'Until tomorrow', 'Until I resume them', 'Resume']);
});

test('running: the menu says a backup runs (its percentage is in the tooltip, not the menu), Back up now disabled', () => {
  const state: EngineState = { ...idle, phase: 'running', running: { trigger: 'manual', startedAt: at(16, 59), status: 'IN-PROGRESS', percentage: 42.4 } };
  const menu = buildTrayMenu({ state, settings, connection: conn, now });
  assert.ok(labels(menu).includes('Backing up…'));
  assert.ok(!labels(menu).some((l) => /%/.test(l)), 'no percentage in the menu: it would be rebuilt on every tick');
  assert.equal(find(menu, 'backup-now')?.enabled, false);
  const noPct = { ...state, running: { ...state.running!, percentage: null } };
  assert.ok(labels(buildTrayMenu({ state: noPct, settings, connection: conn, now })).includes('Backing up…'));
  assert.equal(trayTooltip({ state, settings, connection: conn, now }), 'Pieces Backup\nBacking up… 42 %\nElapsed 1:00');
});

test('paused, error with retry, never backed up, emulator, offline', () => {
  const paused = { ...idle, pausedUntil: at(9, 0, 1), nextRun: null };
  const pm = buildTrayMenu({ state: paused, settings: { startAtLogin: true }, connection: conn, now });
  assert.ok(labels(pm).includes('Automatic backups paused until tomorrow 9:00'));
  assert.equal(find(pm, 'resume')?.enabled, true);
  assert.equal(find(pm, 'start-at-login')?.checked, true);
  assert.ok(statusLines({ state: { ...idle, pausedUntil: 'resume' }, settings, connection: conn, now }).includes('Automatic backups paused until you resume them'));

  const failed: EngineState = { ...idle, phase: 'error', lastSuccess: null, lastError: { kind: 'http', message: 'Server said:\n  500   boom; try again.' }, retry: { at: at(17, 5), attempt: 2, attempts: 4 } };
  // While a retry is due: when and which attempt, and no "try again" (the app is at it).
  assert.deepEqual(statusLines({ state: failed, settings, connection: conn, now }), [
    'Last backup: none made by this app yet', 'Last attempt failed: Server said: 500 boom.', 'Retrying at 17:05 (attempt 3 of 4)', 'Next: today 18:00',
  ]);
  // A dropped connection while PiecesOS answers is no "PiecesOS is not running"; the failure stays after the retries.
  const dropped: EngineState = { ...idle, phase: 'error', lastError: { kind: 'connection-lost', message: 'The connection to PiecesOS ended before the backup finished; try again.' } };
  const droppedLines = statusLines({ state: dropped, settings, connection: conn, now });
  assert.ok(!droppedLines.some((l) => /not running/.test(l)), droppedLines.join(' | '));
  assert.ok(droppedLines.some((l) => l.startsWith('Last attempt failed: The connection to PiecesOS ended')), droppedLines.join(' | '));
  assert.match(trayTooltip({ state: failed, settings, connection: conn, now }), /Last attempt failed: Server said: 500 boom/);

  const emu: ConnectionInfo = { ...conn, source: 'emulator' };
  assert.equal(statusLines({ state: idle, settings, connection: emu, now })[0], 'Demo mode — using the built-in emulator, not your Pieces data');
  assert.equal(statusLines({ state: idle, settings, connection: conn, now, emulator: true })[0], 'Demo mode — using the built-in emulator, not your Pieces data');
  assert.match(trayTooltip({ state: idle, settings, connection: emu, now }), /^Pieces Backup \(Emulator\)\nLast backup 5 min ago · next today 18:00$/);

  const offline: EngineState = { ...idle, phase: 'offline' };
  assert.equal(statusLines({ state: offline, settings, connection: { ...conn, reachable: false }, now })[0], 'PiecesOS is not running — start it to back up');
});

test('corrupt times never break the menu', () => {
  const bad: EngineState = { ...idle, lastSuccess: { at: 'garbage' }, nextRun: 'nope', pausedUntil: 'not-a-date', retry: { at: 'x', attempt: 1 } };
  const lines = statusLines({ state: bad, settings, connection: null, now });
  assert.deepEqual(lines, ['Last backup: none made by this app yet', 'Automatic backups paused']);
});

test('toMenuTemplate binds actions to clicks and keeps the rest', () => {
  const seen: TrayAction[] = [];
  const tpl = toMenuTemplate(buildTrayMenu({ state: idle, settings, connection: conn, now }), (a) => seen.push(a));
  const click = (t: (typeof tpl)[number] | undefined): void => (t?.click as unknown as () => void)();
  click(tpl.find((t) => t.id === 'backup-now'));
  const pause = tpl.find((t) => t.id === 'pause');
  assert.ok(Array.isArray(pause?.submenu));
  click((pause!.submenu as typeof tpl).find((t) => t.id === 'pause-tomorrow'));
  click(tpl.find((t) => t.id === 'quit'));
  assert.deepEqual(seen, ['backup-now', 'pause-tomorrow', 'quit']);
  assert.equal(tpl.some((t) => 'action' in t), false, 'no foreign keys reach Electron');
});

test('formatting helpers', () => {
  assert.equal(formatAgo(new Date(now.getTime() - 30_000), now), 'just now');
  assert.equal(formatAgo(new Date(now.getTime() - 3 * 3_600_000), now), '3 h ago');
  assert.equal(formatAgo(new Date(2026, 10, 26, 18, 0), now), 'yesterday 18:00');
  assert.equal(formatAgo(new Date(2026, 10, 20, 18, 0), now), '20 Nov');
  assert.equal(formatAgo(new Date(2025, 10, 20, 18, 0), now), '20 Nov 2025');
  assert.equal(formatWhen(new Date(2026, 10, 30, 8, 5), now), 'Mon 8:05');
  assert.equal(formatWhen(new Date(2026, 11, 25, 8, 5), now), '25 Dec, 8:05');
  assert.equal(formatBytes(820_000), '820 KB');
  assert.equal(formatBytes(1_234_000_000), '1.2 GB');
  assert.equal(formatBytes(Number.NaN), '—');
});

test('waiting for another process: who holds the lock and since when, in the menu and the tooltip; Back up now says a backup already runs', () => {
  const state: EngineState = {
    ...idle, phase: 'waiting',
    waiting: { trigger: 'scheduled', since: at(16, 45), heldBy: { pid: 4242, since: at(14, 2) } },
  };
  const menu = buildTrayMenu({ state, settings, connection: conn, now });
  assert.ok(labels(menu).includes('Waiting for the backup started by process 4242 at 14:02'), labels(menu).join(' | '));
  // A click could only wait behind it (the engine tries the lock again by itself): the item says so instead.
  assert.deepEqual(find(menu, 'backup-now'), { id: 'backup-now', label: 'A backup is already running — started by process 4242 at 14:02', enabled: false });
  assert.equal(trayTooltip({ state, settings, connection: conn, now }), 'Pieces Backup\nWaiting for the backup started by process 4242 at 14:02');
  const elsewhere = { ...state, waiting: { ...state.waiting!, heldBy: { pid: 77, since: at(9, 5, -1), host: 'desk' } } };
  assert.ok(labels(buildTrayMenu({ state: elsewhere, settings, connection: conn, now })).includes('Waiting for the backup started by process 77 on desk at 26 Nov, 9:05'));
});
