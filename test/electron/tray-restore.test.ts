// The tray while a restore runs: its own icon, the step it is on (safety backup, then restore) and
// the backup it restores, "Cancel restore" (and "Cancel backup" during a backup), Back up now
// disabled. The pure menu functions, then the real tray controller on the Electron stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildTrayMenu, statusLines, toMenuTemplate, trayTooltip, type TrayAction, type TrayMenuItem } from '../../main/electron/tray-menu.js';
import { trayIconFile } from '../../main/electron/tray-icons.js';
import { createTrayController, isUrgentChange, type TrayView } from '../../main/electron/tray.js';
import { ManualClock } from '../../main/engine/clock.js';
import { formatDateTimeIso } from '../../main/shared/time-format.js';
import type { AppCore } from '../../main/core/types.js';
import type { EngineState } from '../../main/engine/types.js';
import { blankIdle as idle, conn, now, settings } from '../helpers/tray-states.js';
import { createStandIn, StandInTray } from './electron-standin.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const created = new Date(2026, 10, 20, 14, 2, 0).toISOString();

const restoring = (phase: 'safety-backup' | 'restore', percentage: number | null): EngineState => ({
  ...idle,
  phase: 'running',
  running: {
    trigger: 'restore', kind: 'restore', phase, startedAt: now.toISOString(), status: 'IN-PROGRESS', percentage,
    restoring: { id: 'b1', deviceName: 'old-laptop', created, bytes: 4_200_000 },
  },
});
const backingUp: EngineState = { ...idle, phase: 'running', running: { trigger: 'manual', kind: 'backup', startedAt: now.toISOString(), status: 'IN-PROGRESS', percentage: 10 } };

const find = (items: TrayMenuItem[], id: string): TrayMenuItem | undefined => items.find((i) => i.id === id);
const input = (state: EngineState) => ({ state, settings, connection: conn, now });

test('restoring: the step and the backup in the menu, the percentage in the tooltip, Cancel restore, Back up now disabled', () => {
  const safety = buildTrayMenu(input(restoring('safety-backup', 42.4)));
  const lines = statusLines(input(restoring('safety-backup', 42.4)));
  assert.ok(lines.some((l) => l.startsWith('Making a safety backup…')), lines.join(' | '));
  assert.ok(lines.includes(`Backup from old-laptop, ${formatDateTimeIso(created, now)}`), lines.join(' | '));
  assert.ok(!lines.some((l) => /Backing up/.test(l)), 'a restore is not shown as a backup');
  assert.equal(trayTooltip(input(restoring('safety-backup', 42.4))), 'Pieces Backup\nMaking a safety backup… 42 %\nElapsed 0:00');
  assert.equal(find(safety, 'backup-now')?.enabled, false);
  assert.deepEqual(find(safety, 'cancel-run'), { id: 'cancel-run', label: 'Cancel restore', action: 'cancel-run' });

  const restore = statusLines(input(restoring('restore', 70)));
  assert.ok(restore.some((l) => l.startsWith('Restoring…')), restore.join(' | '));
  assert.equal(trayTooltip(input(restoring('restore', 70))), 'Pieces Backup\nRestoring… 70 %\nElapsed 0:00');
  assert.equal(trayTooltip(input(restoring('restore', null))), 'Pieces Backup\nRestoring…\nElapsed 0:00');
});

test('Cancel backup while a backup runs; no cancel item when nothing runs', () => {
  const running = buildTrayMenu(input(backingUp));
  assert.equal(find(running, 'cancel-run')?.label, 'Cancel backup');
  assert.equal(find(buildTrayMenu(input(idle)), 'cancel-run'), undefined);
  const waiting: EngineState = { ...idle, phase: 'waiting', waiting: { trigger: 'manual', since: now.toISOString(), heldBy: { pid: 42, since: now.toISOString() } } };
  assert.equal(find(buildTrayMenu(input(waiting)), 'cancel-run'), undefined, 'nothing of ours is in flight while waiting');
  const seen: TrayAction[] = [];
  const tpl = toMenuTemplate(running, (a) => seen.push(a));
  (tpl.find((i) => i.id === 'cancel-run')!.click as unknown as () => void)();
  assert.deepEqual(seen, ['cancel-run']);
});

test('a restore has its own tray icon on every platform, drawn at 1x and 2x', () => {
  assert.equal(trayIconFile('running', 'linux', 'restore'), 'restoring.png');
  assert.equal(trayIconFile('running', 'darwin', 'restore'), 'restoring.png');
  assert.equal(trayIconFile('running', 'linux', 'backup'), 'running.png');
  assert.equal(trayIconFile('running', 'linux'), 'running.png');
  for (const file of ['restoring.png', 'restoring@2x.png']) {
    const p = join(root, 'build', 'tray', file);
    assert.ok(existsSync(p) && statSync(p).size > 100, `${p} is missing: run npx tsx build/make-icons.ts`);
  }
});

test('moving from the safety backup to the restore, or from a backup to a restore, is shown at once', () => {
  const view = (state: EngineState): TrayView => ({ state, settings, connection: conn });
  assert.equal(isUrgentChange(view(restoring('safety-backup', 50)), view(restoring('safety-backup', 40))), false, 'progress alone may wait');
  assert.equal(isUrgentChange(view(restoring('restore', 0)), view(restoring('safety-backup', 100))), true);
  assert.equal(isUrgentChange(view(restoring('safety-backup', 0)), view(backingUp)), true);
});

test('on the Electron stand-in: the tray shows the restore, its Cancel restore click reaches the app, and it returns to idle', () => {
  const clock = new ManualClock(now.getTime());
  const events = new EventEmitter();
  const core: Pick<AppCore, 'on'> = { on: (channel, listener) => { events.on(channel, listener); return () => events.off(channel, listener); } };
  StandInTray.instances.length = 0;
  const actions: TrayAction[] = [];
  const tray = createTrayController({
    deps: createStandIn().deps, core, initial: { state: idle, settings, connection: conn }, iconDir: '/icons', platform: 'linux', emulator: false,
    onAction: (a) => actions.push(a), onClick: () => {}, clock,
  });
  const standIn = StandInTray.instances[0]!;
  try {
    events.emit('event:state', restoring('safety-backup', 5));
    assert.equal(standIn.images.at(-1), join('/icons', 'restoring.png'));
    assert.match(standIn.tooltips.at(-1)!, /Making a safety backup… 5 %/);
    events.emit('event:state', restoring('restore', 0));
    assert.match(standIn.tooltips.at(-1)!, /Restoring… 0 %/);
    const menu = standIn.menus.at(-1)!;
    assert.equal(menu.find((i) => i.id === 'backup-now')?.enabled, false);
    const cancel = menu.find((i) => i.id === 'cancel-run')!;
    assert.equal(cancel.label, 'Cancel restore');
    (cancel.click as () => void)();
    assert.deepEqual(actions, ['cancel-run']);
    events.emit('event:state', idle);
    assert.equal(standIn.images.at(-1), join('/icons', 'idle.png'));
    assert.equal(standIn.menus.at(-1)!.find((i) => i.id === 'cancel-run'), undefined);
  } finally {
    tray.dispose();
  }
});
