// The tray app's lifecycle, given the Electron APIs (deps) and a way to make the core.
// Single instance, tray only, window on demand, notifications, power and login item, and a
// clean quit that cancels a backup in flight before the process exits. Platform details are cited
// from Electron's own docs in electron.d.ts where the reason is not obvious.
import { join } from 'node:path';
import type { AppCore, Notice } from '../core/types.js';
import type { InvokeChannel } from '../ipc/contract.js';
import type { ElectronDeps } from './deps.js';
import { hardenWebContents, installSessionSecurity, registerAppScheme } from './security.js';
import { createWindowManager, type WindowManager } from './window.js';
import { registerIpc, relayEvents } from './ipc.js';
import { setTimeStyle } from '../shared/time-format.js';
import { checkAgain, createTrayController, type TrayController, type TrayView } from './tray.js';
import type { TrayAction } from './tray-menu.js';
import { createNotifier } from './notifications.js';
import { watchPower } from './power.js';
import { applyStartAtLogin, loginItemUnsupported, type LoginItemTarget } from './login-item.js';
import { trayIconDir } from './tray-icons.js';
import { notificationIconPath, windowIconPath } from './app-icon.js';
import { applicationMenu, windowMenu } from './menus.js';
import { watchProcessesGone } from './process-gone.js';
import type { Clock } from '../engine/clock.js';

export interface AppOptions {
  platform: NodeJS.Platform;
  /** Folder holding dist/ and build/ (the app's root, inside the asar once packaged). */
  appRoot: string;
  packaged: boolean;
  resourcesPath: string;
  /** Electron's own executable (process.execPath): the Windows toast identity under npm start. */
  execPath: string;
  /** Started with --hidden (a start at login): stay in the tray, open no window. */
  hidden: boolean;
  /** The main process's log file, opened by the tray's "Open log". */
  logPath?: string;
  /** Started against the emulator: say so in the tray and the window title. */
  emulator: boolean;
  createCore: () => AppCore | Promise<AppCore>;
  loginItem: Pick<LoginItemTarget, 'exec' | 'autostartDir'>;
  log?: (message: string) => void;
  clock?: Clock;
  /** Longest a quit waits for the core to cancel a run and stop. */
  stopTimeoutMs?: number;
}

export interface RunningApp {
  core: AppCore;
  windows: WindowManager;
  tray: TrayController;
  /** Resolves once the core has started (or failed to, which is logged, not fatal). */
  started: Promise<void>;
  /** The last notices shown (newest last, at most 20), for diagnostics and end-to-end tests. */
  shownNotices: Notice[];
}

/** The app's identity for Windows toasts once installed: electron-builder registers it (appId). */
export const APP_USER_MODEL_ID = 'app.pieces.backup';

const ACTION_REQUESTS: Partial<Record<TrayAction, [InvokeChannel, unknown]>> = {
  'backup-now': ['backups:create', undefined],
  'cancel-run': ['run:cancel', undefined],
  'pause-1h': ['pause:set', { until: '1h' }],
  'pause-tomorrow': ['pause:set', { until: 'tomorrow' }],
  'pause-indefinitely': ['pause:set', { until: 'resume' }],
  resume: ['pause:resume', undefined],
};

/** Returns null when another instance already runs (this one quits and that one shows its window). */
export async function runApp(deps: ElectronDeps, opts: AppOptions): Promise<RunningApp | null> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const { app } = deps;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  registerAppScheme(deps.protocol);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // A tray app lives on when its window closes; without this listener Electron would quit.
  app.on('window-all-closed', () => {});

  await app.whenReady();
  app.dock?.hide();
  // Times in the tray and notifications follow the OS's regional format: a desktop launch gives
  // Node no LANG to find it by, and Intl would fall back to en-US.
  const systemLocale = app.getSystemLocale?.();
  if (systemLocale) setTimeStyle({ locale: systemLocale });
  // Windows shows toasts only for an AppUserModelID with a Start-menu shortcut: the installer's
  // (appId) once packaged; under npm start, Electron's executable is the identity Windows knows.
  if (opts.platform === 'win32') app.setAppUserModelId(opts.packaged ? APP_USER_MODEL_ID : opts.execPath);
  // electron.d.ts, Menu.setApplicationMenu: "The default menu will be created automatically if the
  // app does not set one" (with View → Reload and Toggle Developer Tools), and "Passing null will
  // suppress the default menu." macOS keeps a minimal one for Cmd-C/V and Cmd-Q.
  deps.Menu.setApplicationMenu(opts.platform === 'darwin' ? deps.Menu.buildFromTemplate(applicationMenu()) : null);
  installSessionSecurity(deps, join(opts.appRoot, 'dist', 'renderer'));

  const title = opts.emulator ? 'Pieces Backup — Emulator' : 'Pieces Backup';
  const iconDir = trayIconDir({ packaged: opts.packaged, resourcesPath: opts.resourcesPath, appRoot: opts.appRoot });
  const iconPlace = { platform: opts.platform, packaged: opts.packaged, resourcesPath: opts.resourcesPath, appRoot: opts.appRoot };
  // Linux: a desktop without a tray host (stock GNOME) shows no icon at all, so the window itself
  // carries Quit, in a menu bar that stays visible.
  const linux = opts.platform === 'linux';
  const windows = createWindowManager(deps, {
    preloadPath: join(opts.appRoot, 'dist', 'preload', 'preload.cjs'),
    title,
    iconPath: windowIconPath(iconPlace),
    showMenuBar: linux,
    devTools: !opts.packaged,
    onError: (e) => log(`The window could not load its page (${String(e)}); run npm run build and try again.`),
    onCreated: (w) => { if (linux) w.setMenu(deps.Menu.buildFromTemplate(windowMenu(() => app.quit()))); },
  });
  app.on('second-instance', () => windows.open());
  watchProcessesGone(app, windows, log);

  const core = await opts.createCore();
  registerIpc(deps.ipcMain, core);
  relayEvents(core, () => [windows.current()]);
  const shownNotices: Notice[] = [];
  const notificationIcon = notificationIconPath(iconPlace);
  const notifier = createNotifier(deps, { onClick: () => windows.open(), ...(notificationIcon ? { iconPath: notificationIcon } : {}), ...(opts.emulator ? { titleSuffix: ' (Emulator)' } : {}) });
  const notify = (n: Notice): void => {
    shownNotices.push(n);
    if (shownNotices.length > 20) shownNotices.shift();
    notifier.show(n);
  };
  core.onNotice(notify);
  watchPower(deps.powerMonitor, core, () => app.quit());

  const loginTarget: LoginItemTarget = { platform: opts.platform, packaged: opts.packaged, appRoot: opts.appRoot, ...opts.loginItem };
  const applyLogin = (enabled: boolean): void => {
    const unsupported = loginItemUnsupported(loginTarget);
    if (unsupported) {
      if (enabled) log(unsupported);
      return;
    }
    applyStartAtLogin(app, enabled, loginTarget).catch((e: unknown) => log(`Could not change "Start at login" (${String(e)}); check that your autostart folder is writable.`));
  };

  // The tray appears at once from what the core knows locally; PiecesOS is asked later.
  // The connection is unknown (null) until the first look, so the tray never claims "not running" early.
  const now = core.current();
  const initial: TrayView = { state: now.state, settings: now.settings, connection: null };

  const onAction = (action: TrayAction, view: TrayView): void => {
    const request = ACTION_REQUESTS[action];
    if (request) {
      void core.handle(request[0], request[1]).then((r) => {
        // Also "already running": a click that starts nothing says why rather than doing nothing visible.
        if (!r.ok) notify({ kind: 'failure', title: 'Pieces Backup', body: r.error.message });
      });
      return;
    }
    if (action === 'check-again') void checkAgain(core, log);
    else if (action === 'open-backups') windows.open('backups');
    else if (action === 'open-settings') windows.open('settings');
    else if (action === 'toggle-start-at-login') void core.handle('settings:update', { startAtLogin: !view.settings.startAtLogin });
    else if (action === 'open-log' && opts.logPath) {
      const path = opts.logPath;
      deps.shell.openPath(path).then((error) => { if (error) log(`Could not open the log ${path} (${error}).`); }, () => undefined);
    }
    else if (action === 'quit') app.quit();
  };
  const tray = createTrayController({
    deps, core, initial, iconDir, platform: opts.platform, emulator: opts.emulator, onAction, onClick: () => windows.open(),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });

  // Start at login follows the setting: applied now and whenever it changes.
  let loginEnabled = initial.settings.startAtLogin;
  applyLogin(loginEnabled);
  core.on('event:settings', (s) => {
    if (s.startAtLogin !== loginEnabled) applyLogin((loginEnabled = s.startAtLogin));
  });

  // Quit: hold the exit until the core has canceled a run in flight and cleared its timers.
  let quitting: 'no' | 'stopping' | 'done' = 'no';
  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'stopping') return;
    quitting = 'stopping';
    tray.dispose();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, opts.stopTimeoutMs ?? 5000).unref?.());
    void Promise.race([core.stop().catch((e: unknown) => log(`Stopping was not clean: ${String(e)}`)), timeout]).then(() => {
      quitting = 'done';
      app.quit();
    });
  });

  // macOS: opening the app again from Finder or Spotlight while it runs emits `activate`, not
  // `second-instance` (electron.d.ts, app 'activate': "attempting to re-launch the application when
  // it's already running"); with no Dock icon and a full menu bar it is the only way in.
  app.on('activate', () => windows.open());
  // Launched by hand on Linux the window opens: without a tray host nothing else would show.
  // A start at login passes --hidden (login-item.ts).
  if (linux && !opts.hidden) windows.open();

  const started = core.start().catch((e: unknown) => {
    log(`Pieces Backup could not start its backup engine (${e instanceof Error ? e.message : String(e)}).`);
  });
  // Find PiecesOS and list the backups in the background; the tray follows through core events.
  void started.then(() => core.snapshot()).catch(() => undefined);
  return { core, windows, tray, started, shownNotices };
}
