// The tray icon: its image, tooltip and menu follow the core's state. Progress-only changes
// rebuild the menu at most once a second; anything else shows at once. A minute tick keeps
// "5 min ago" true while nothing else happens.
import { join } from 'node:path';
import type { ConnectionInfo, EngineState } from '../engine/types.js';
import type { Settings } from '../settings/schema.js';
import type { AppCore } from '../core/types.js';
import type { ElectronDeps, TrayLike } from './deps.js';
import { buildTrayMenu, toMenuTemplate, trayTooltip, type TrayAction, type TrayMenuItem } from './tray-menu.js';
import { trayIconFile } from './tray-icons.js';
import { createCoalescer } from '../engine/coalesce.js';
import { systemClock, type Clock } from '../engine/clock.js';

export interface TrayView {
  state: EngineState;
  settings: Pick<Settings, 'startAtLogin'>;
  connection: ConnectionInfo | null;
}

/** Only a progress tick during a run that was already running may wait for the throttle. */
export function isUrgentChange(next: TrayView, prev: TrayView | undefined): boolean {
  if (!prev || next.state.phase !== 'running' || prev.state.phase !== 'running') return true;
  // A restore moving to its next step changes the icon or the menu's words: not a mere tick.
  const step = (v: TrayView) => `${v.state.running?.kind ?? 'backup'}:${v.state.running?.phase ?? ''}:${v.state.running?.restoring?.id ?? ''}`;
  return next.settings.startAtLogin !== prev.settings.startAtLogin || next.connection !== prev.connection || next.state.pausedUntil !== prev.state.pausedUntil || step(next) !== step(prev);
}

export interface TrayController {
  /** The view the tray shows now (for the login-item toggle). */
  view(): TrayView;
  /** What was last rendered (for diagnostics and the end-to-end tests). */
  lastRender(): { icon: string; tooltip: string; menu: TrayMenuItem[] } | null;
  dispose(): void;
}

export function createTrayController(opts: {
  deps: Pick<ElectronDeps, 'Tray' | 'Menu'>;
  core: Pick<AppCore, 'on'>;
  initial: TrayView;
  iconDir: string;
  platform: NodeJS.Platform;
  emulator: boolean;
  onAction: (action: TrayAction, view: TrayView) => void;
  onClick: () => void;
  clock?: Clock;
  intervalMs?: number;
}): TrayController {
  const clock = opts.clock ?? systemClock;
  let view = opts.initial;
  const iconPath = (v: TrayView): string => join(opts.iconDir, trayIconFile(v.state.phase, opts.platform, v.state.running?.kind));
  let shownIcon = iconPath(view);
  const tray: TrayLike = new opts.deps.Tray(shownIcon);

  let last: { icon: string; tooltip: string; menu: TrayMenuItem[] } | null = null;
  const render = (v: TrayView): void => {
    const input = { ...v, now: new Date(clock.now()), emulator: opts.emulator };
    const icon = iconPath(v);
    if (icon !== shownIcon) { tray.setImage(icon); shownIcon = icon; }
    const tooltip = trayTooltip(input);
    const menu = buildTrayMenu(input);
    tray.setToolTip(tooltip);
    tray.setContextMenu(opts.deps.Menu.buildFromTemplate(toMenuTemplate(menu, (a) => opts.onAction(a, view))));
    last = { icon, tooltip, menu };
  };
  // The engine's coalescer, at most one rebuild a second; anything but progress is urgent.
  const rebuilds = createCoalescer<TrayView>(render, { clock, intervalMs: opts.intervalMs ?? 1000 });
  let pushed: TrayView | undefined;
  const push = (v: TrayView): void => {
    const urgent = isUrgentChange(v, pushed);
    pushed = v;
    rebuilds.push(v, urgent);
  };
  const update = (patch: Partial<TrayView>): void => { view = { ...view, ...patch }; push(view); };

  const offs = [
    opts.core.on('event:state', (state) => update({ state })),
    opts.core.on('event:settings', (settings) => update({ settings })),
    opts.core.on('event:connection', (connection) => update({ connection })),
  ];
  // macOS pops the menu up on click; elsewhere a click on the icon opens the window.
  if (opts.platform !== 'darwin') tray.on('click', () => opts.onClick());
  push(view);
  const tick = setInterval(() => push(view), 60_000);
  tick.unref?.();

  return {
    view: () => view,
    lastRender: () => last,
    dispose() {
      clearInterval(tick);
      rebuilds.dispose();
      offs.forEach((off) => off());
      tray.destroy();
    },
  };
}
