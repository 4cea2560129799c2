// The Electron main process entry (bundled to dist/electron/main.js, package.json "main").
// Hands the real Electron modules and the real core to the lifecycle in app.ts.
import { app, BrowserWindow, ipcMain, Menu, Notification, powerMonitor, protocol, session, Tray } from 'electron';
import Store from 'electron-store';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { createAppCore } from '../core/app-core.js';
import type { StoreClass } from '../settings/store.js';
import { APP_NAME, defaultConfigDir } from '../settings/paths.js';
import { runApp } from './app.js';
import type { ElectronDeps } from './deps.js';

const deps = { app, BrowserWindow, ipcMain, Menu, Notification, powerMonitor, protocol, session, Tray } satisfies ElectronDeps;

// dist/electron/main.js → the app folder (the project in development, app.asar once packaged).
const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// One config folder for the tray app, the daemon and the CLI (electron-store writes it here).
const configDir = defaultConfigDir();
app.setName(APP_NAME);
app.setPath('userData', configDir);

// `npm start` ran the emulator because no PiecesOS was found: use it only if that is still so.
const emulatorUrl = process.env.PIECES_BACKUP_SOURCE === 'emulator' ? process.env.PIECES_BACKUP_EMULATOR_URL ?? process.env.PIECES_OS_URL ?? null : null;
const env = { ...process.env };
if (emulatorUrl && env.PIECES_OS_URL === emulatorUrl) delete env.PIECES_OS_URL;

const log = (m: string): void => console.error(`[pieces-backup] ${m}`);
process.on('uncaughtException', (e) => log(`Unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
process.on('unhandledRejection', (e) => log(`Unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));

const packagedExec = process.env.APPIMAGE ?? process.execPath;
void runApp(deps, {
  platform: process.platform,
  appRoot,
  packaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  emulator: emulatorUrl !== null,
  log,
  createCore: () =>
    createAppCore({
      configDir,
      storeClass: Store as unknown as StoreClass,
      env,
      log: (level, message) => log(`${level}: ${message}`),
      ...(emulatorUrl ? { fallbackUrl: async () => emulatorUrl } : {}),
    }),
  loginItem: {
    exec: app.isPackaged ? packagedExec : process.execPath,
    args: app.isPackaged ? [] : [appRoot],
    autostartDir: join(process.env.XDG_CONFIG_HOME || join(app.getPath('home'), '.config'), 'autostart'),
  },
}).then((running) => {
  // End-to-end tests (Playwright's _electron) read the tray and notices through this handle.
  if (running && process.env.PIECES_BACKUP_E2E === '1') (globalThis as Record<string, unknown>).__piecesBackup = running;
}).catch((e: unknown) => {
  log(`Pieces Backup could not start (${e instanceof Error ? e.message : String(e)}).`);
  app.exit(1);
});
