// The Electron main process entry (bundled to dist/electron/main.js, package.json "main").
// Hands the real Electron modules and the real core to the lifecycle in app.ts.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, powerMonitor, protocol, session, shell, Tray } from 'electron';
import Store from 'electron-store';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { createAppCore } from '../core/app-core.js';
import type { StoreClass } from '../settings/store.js';
import { APP_NAME, defaultConfigDir } from '../settings/paths.js';
import { openFileLog } from '../shared/file-log.js';
import { runApp } from './app.js';
import { HIDDEN_ARG } from './login-item.js';
import { prepareUserData } from './user-data.js';
import type { ElectronDeps } from './deps.js';

// One config folder for the tray app, the daemon and the CLI (electron-store writes it here).
const configDir = defaultConfigDir();
// First of all, before anything can throw: a packaged app's stderr goes nowhere, so everything is
// also written to <settings folder>/main.log (capped and rotated), and nothing stays uncaught.
const fileLog = openFileLog(configDir, 'main.log');
const log = (m: string): void => {
  console.error(`[pieces-backup] ${m}`);
  fileLog.write(m);
};
const describe = (e: unknown): string => (e instanceof Error ? e.stack ?? e.message : String(e));
process.on('uncaughtException', (e) => log(`Unexpected error: ${describe(e)}`));
process.on('unhandledRejection', (e) => log(`Unexpected error: ${describe(e)}`));

function start(): void {
  // Stack traces in the log point at the TypeScript sources (the bundles' .map files ship with them).
  process.setSourceMapsEnabled(true);
  const deps = { app, BrowserWindow, dialog, ipcMain, Menu, Notification, powerMonitor, protocol, session, shell, Tray } satisfies ElectronDeps;

  // dist/electron/main.js → the app folder (the project in development, app.asar once packaged).
  const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  app.setName(APP_NAME);
  prepareUserData(app, configDir, log);
  log(`Pieces Backup ${app.getVersion()} starting (Electron ${process.versions.electron ?? '?'}, ${process.platform}${app.isPackaged ? '' : ', development'}).`);

  // `npm start` ran the emulator because no PiecesOS was found: use it only if that is still so.
  const emulatorUrl = process.env.PIECES_BACKUP_SOURCE === 'emulator' ? process.env.PIECES_BACKUP_EMULATOR_URL ?? process.env.PIECES_OS_URL ?? null : null;
  const env = { ...process.env };
  if (emulatorUrl && env.PIECES_OS_URL === emulatorUrl) delete env.PIECES_OS_URL;

  void runApp(deps, {
    platform: process.platform,
    appRoot,
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    execPath: process.execPath,
    hidden: process.argv.includes(HIDDEN_ARG),
    logPath: fileLog.path,
    emulator: emulatorUrl !== null,
    log,
    createCore: () =>
      createAppCore({
        configDir,
        frontEnd: 'app',
        storeClass: Store as unknown as StoreClass,
        env,
        log: (level, message) => log(`${level}: ${message}`),
        ...(emulatorUrl ? { fallbackUrl: async () => emulatorUrl } : {}),
      }),
    loginItem: {
      // The AppImage itself (its mount point changes each run), the installed binary, or in
      // development Electron's binary (login-item.ts adds the app folder).
      exec: app.isPackaged ? process.env.APPIMAGE ?? process.execPath : process.execPath,
      autostartDir: join(process.env.XDG_CONFIG_HOME || join(app.getPath('home'), '.config'), 'autostart'),
    },
  }).then((running) => {
    // End-to-end tests (Playwright's _electron) read the tray and notices through this handle.
    if (running && process.env.PIECES_BACKUP_E2E === '1') (globalThis as Record<string, unknown>).__piecesBackup = running;
  }).catch((e: unknown) => {
    log(`Pieces Backup could not start (${e instanceof Error ? e.message : String(e)}); see ${fileLog.path}.`);
    app.exit(1);
  });
}

try {
  start();
} catch (e) {
  log(`Pieces Backup could not start (${e instanceof Error ? e.message : String(e)}); see ${fileLog.path}.`);
  app.exit(1);
}
