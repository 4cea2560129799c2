// How often the tray menu is rebuilt: at most once a second while progress streams, at once for
// anything else, never a stale progress after the run ended. The real tray controller on the
// Electron stand-in, with the engine's ManualClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createTrayController, type TrayView } from '../../main/electron/tray.js';
import { ManualClock } from '../../main/engine/clock.js';
import type { AppCore } from '../../main/core/types.js';
import type { EngineState } from '../../main/engine/types.js';
import { createStandIn, StandInTray } from './electron-standin.js';

const idle: EngineState = { phase: 'idle', running: null, pausedUntil: null, lastError: null, lastSuccess: null, nextRun: null, retry: null };
const running = (percentage: number): EngineState => ({
  ...idle, phase: 'running', running: { trigger: 'manual', startedAt: '2026-11-27T10:00:00.000Z', status: 'IN-PROGRESS', percentage },
});

function setup() {
  const clock = new ManualClock();
  const events = new EventEmitter();
  const core: Pick<AppCore, 'on'> = { on: (channel, listener) => { events.on(channel, listener); return () => events.off(channel, listener); } };
  const initial: TrayView = { state: idle, settings: { startAtLogin: false }, connection: null };
  StandInTray.instances.length = 0;
  const tray = createTrayController({
    deps: createStandIn().deps, core, initial, iconDir: '/icons', platform: 'linux', emulator: false,
    onAction: () => {}, onClick: () => {}, clock,
  });
  const standIn = StandInTray.instances[0]!;
  const progressLines = () => standIn.menus.map((m) => m.map((i) => i.label ?? '').find((l) => l.startsWith('Backing up')) ?? null);
  return { clock, state: (s: EngineState) => events.emit('event:state', s), tray, standIn, progressLines };
}

test('while progress streams the menu is rebuilt at most once a second, the latest value last', async () => {
  const t = setup();
  const before = t.standIn.menus.length;
  t.state(running(0)); // a run starting is shown at once
  assert.equal(t.standIn.menus.length, before + 1);
  for (let i = 1; i <= 50; i++) {
    await t.clock.advance(50);
    t.state(running(i * 2)); // 20 updates a second for 2.5 s
  }
  await t.clock.advance(2000);
  const rebuilt = t.standIn.menus.length - before;
  assert.ok(rebuilt >= 3 && rebuilt <= 5, `${rebuilt} rebuilds for 2.5 s of progress`);
  assert.match(t.progressLines().at(-1) ?? '', /100 %/, 'the last progress is not lost');
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
  assert.equal(t.progressLines().at(-1), null, 'no progress line after the run ended');
  assert.ok(t.standIn.menus.at(-1)!.some((i) => /Last backup: .*12\.3 MB/.test(i.label ?? '')));
  t.tray.dispose();
});
