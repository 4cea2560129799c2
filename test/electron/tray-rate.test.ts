// How often the tray changes: progress ticks go to the tooltip (and the macOS title) at most once a
// second; the menu is rebuilt only when its items change, never while it is open, and never left
// stale. The real tray controller on the Electron stand-in, with the engine's ManualClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createTrayController, type TrayView } from '../../main/electron/tray.js';
import { ManualClock } from '../../main/engine/clock.js';
import type { AppCore } from '../../main/core/types.js';
import type { EngineState } from '../../main/engine/types.js';
import { blankIdle as idle } from '../helpers/tray-states.js';
import { createStandIn, StandInEvent, StandInTray } from './electron-standin.js';

const running = (percentage: number): EngineState => ({
  ...idle, phase: 'running', running: { trigger: 'manual', startedAt: '2026-11-27T10:00:00.000Z', status: 'IN-PROGRESS', percentage },
});

function setup(platform: NodeJS.Platform = 'linux') {
  const clock = new ManualClock();
  const events = new EventEmitter();
  const core: Pick<AppCore, 'on'> = { on: (channel, listener) => { events.on(channel, listener); return () => events.off(channel, listener); } };
  const initial: TrayView = { state: idle, settings: { startAtLogin: false }, connection: null };
  StandInTray.instances.length = 0;
  const tray = createTrayController({
    deps: createStandIn().deps, core, initial, iconDir: '/icons', platform, emulator: false,
    onAction: () => {}, onClick: () => {}, clock,
  });
  const standIn = StandInTray.instances[0]!;
  return { clock, state: (s: EngineState) => events.emit('event:state', s), tray, standIn };
}

test('while progress streams the menu is not rebuilt; the tooltip follows at most once a second, the latest value last', async () => {
  const t = setup();
  t.state(running(0)); // a run starting changes the menu (Back up now disabled): rebuilt at once
  const menus = t.standIn.menus.length;
  assert.match(t.standIn.tooltips.at(-1)!, /Backing up… 0 %/);
  const tooltips = t.standIn.tooltips.length;
  for (let i = 1; i <= 50; i++) {
    await t.clock.advance(50);
    t.state(running(i * 2)); // 20 updates a second for 2.5 s
  }
  await t.clock.advance(2000);
  assert.equal(t.standIn.menus.length, menus, 'no menu rebuild for progress');
  const ticks = t.standIn.tooltips.length - tooltips;
  assert.ok(ticks >= 2 && ticks <= 4, `${ticks} tooltip updates for 2.5 s of progress`);
  assert.match(t.standIn.tooltips.at(-1)!, /Backing up… 100 %/, 'the last progress is not lost');
  assert.ok(t.standIn.menus.at(-1)!.some((i) => i.label === 'Backing up…'));
  t.tray.dispose();
});

test('macOS: the progress shows as the title beside the icon, cleared when the run ends', async () => {
  const t = setup('darwin');
  t.state(running(42));
  assert.equal(t.standIn.titles.at(-1), '42 %');
  t.state({ ...idle, lastSuccess: { at: '2026-11-27T10:01:00.000Z', bytes: 1 } });
  assert.equal(t.standIn.titles.at(-1), '');
  t.tray.dispose();
});

test('the end of a run is shown at once, and no stale progress follows it', async () => {
  const t = setup();
  t.state(running(0));
  await t.clock.advance(100);
  t.state(running(10)); // waits for the interval
  const menus = t.standIn.menus.length;
  t.state({ ...idle, lastSuccess: { at: '2026-11-27T10:01:00.000Z', bytes: 12_300_000 } });
  assert.equal(t.standIn.menus.length, menus + 1, 'rendered immediately');
  await t.clock.advance(5000);
  assert.doesNotMatch(t.standIn.tooltips.at(-1)!, /Backing up/, 'no progress after the run ended');
  assert.ok(!t.standIn.menus.at(-1)!.some((i) => /Backing up/.test(i.label ?? '')));
  assert.ok(t.standIn.menus.at(-1)!.some((i) => /Last backup: .*12\.3 MB/.test(i.label ?? '')));
  t.tray.dispose();
});

test('an open menu is never rebuilt under the pointer: the change waits for menu-will-close', async () => {
  const t = setup();
  const menu = t.standIn.menuObjects.at(-1)!;
  menu.emit('menu-will-show', new StandInEvent());
  const menus = t.standIn.menus.length;
  t.state(running(5));
  assert.equal(t.standIn.menus.length, menus, 'not while open');
  assert.match(t.standIn.tooltips.at(-1)!, /Backing up… 5 %/, 'the tooltip still follows');
  menu.emit('menu-will-close', new StandInEvent());
  assert.equal(t.standIn.menus.length, menus + 1, 'rebuilt once it closed');
  assert.equal(t.standIn.menus.at(-1)!.find((i) => i.id === 'backup-now')?.enabled, false);
  t.tray.dispose();
});
