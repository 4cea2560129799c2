// The tray icon: its image, tooltip and menu follow the core's state. Progress-only changes
// reach the tooltip (and the macOS title) at most once a second; anything else shows at once.
// The menu is rebuilt only when its items change, and never while it is open: each rebuild
// replaces the whole menu (on Linux it is re-published over D-Bus, and some panels close an open
// menu then). A minute tick keeps "5 min ago" true while nothing else happens.
import { join } from 'node:path';
import type { ConnectionInfo, EngineState } from '../engine/types.js';
import type { Settings } from '../settings/schema.js';
import type { AppCore } from '../core/types.js';
import type { ElectronDeps, MenuLike, TrayLike } from './deps.js';
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
  /** The menu set on the tray now (the end-to-end tests click through it). */
  builtMenu(): MenuLike | null;
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
  const iconPath = (v: TrayView): string => join(opts.iconDir, trayIconFile(v.state.phase, opts.platform, v.state.running?.kind, !!v.state.overdue && v.state.pausedUntil === null));
  let shownIcon = iconPath(view);
  const tray: TrayLike = new opts.deps.Tray(shownIcon);

  let last: { icon: string; tooltip: string; menu: TrayMenuItem[] } | null = null;
  let shownTooltip: string | null = null;
  let shownTitle = '';
  let built: { menu: MenuLike; items: string } | null = null;
  // Between Menu's 'menu-will-show' and 'menu-will-close' (where the platform emits them) the
  // menu is on screen: a change waits, and is built as the menu closes.
  let menuOpen = false;
  let waiting: TrayMenuItem[] | null = null;
  const buildMenu = (menu: TrayMenuItem[]): void => {
    const items = JSON.stringify(menu);
    if (built?.items === items) return;
    if (menuOpen) { waiting = menu; return; }
    const m = opts.deps.Menu.buildFromTemplate(toMenuTemplate(menu, (a) => opts.onAction(a, view)));
    m.on('menu-will-show', () => { menuOpen = true; });
    m.on('menu-will-close', () => {
      menuOpen = false;
      const next = waiting;
      waiting = null;
      if (next) buildMenu(next);
    });
    tray.setContextMenu(m);
    built = { menu: m, items };
  };
  const render = (v: TrayView): void => {
    const input = { ...v, now: new Date(clock.now()), emulator: opts.emulator };
    const icon = iconPath(v);
    if (icon !== shownIcon) { tray.setImage(icon); shownIcon = icon; }
    const tooltip = trayTooltip(input);
    if (tooltip !== shownTooltip) { tray.setToolTip(tooltip); shownTooltip = tooltip; }
    // macOS shows a title beside the icon (Tray.setTitle is macOS only): the progress goes there.
    const title = opts.platform === 'darwin' ? progressTitle(v.state) : '';
    if (title !== shownTitle) { tray.setTitle(title); shownTitle = title; }
    const menu = buildTrayMenu(input);
    buildMenu(menu);
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
    builtMenu: () => built?.menu ?? null,
    dispose() {
      clearInterval(tick);
      rebuilds.dispose();
      offs.forEach((off) => off());
      tray.destroy();
    },
  };
}

/** The tray's "Check again" (offline or signed out): look for PiecesOS again, then list the
 * backups, as the window's button does; a list that succeeds clears "not signed in", and the
 * tray follows the core's events. Never throws: a failure shows as the state it leaves. */
export async function checkAgain(core: Pick<AppCore, 'handle'>, log: (m: string) => void): Promise<void> {
  try {
    await core.handle('connection:check', undefined);
    await core.handle('backups:list', undefined);
  } catch (e) {
    log(`Check again could not finish (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** "42 %" while a run reports progress, else nothing. */
export function progressTitle(state: EngineState): string {
  const p = state.phase === 'running' ? state.running?.percentage : null;
  return p === null || p === undefined || !Number.isFinite(p) ? '' : `${Math.round(Math.min(100, Math.max(0, p)))} %`;
}
