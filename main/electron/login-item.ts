// Start at login. macOS and Windows: Electron's login item settings. Linux has no such API in
// Electron, so we write (or remove) an XDG autostart entry, which desktop sessions honour.
// A start at login passes --hidden: the app then stays in the tray instead of opening its window.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings } from 'electron';
import type { ElectronDeps } from './deps.js';

export const AUTOSTART_FILE = 'pieces-backup.desktop';
/** The argument a start at login passes (see app.ts: no window at start). */
export const HIDDEN_ARG = '--hidden';

/** Quote one Exec argument per the Desktop Entry spec. */
function quoteArg(a: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(a) ? a : `"${a.replace(/([\\"`$])/g, '\\$1')}"`;
}

export function autostartEntry(exec: string, args: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Pieces Backup',
    'Comment=Keeps your Pieces data backed up',
    `Exec=${[exec, ...args].map(quoteArg).join(' ').replace(/%/g, '%%')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItemTarget {
  platform: NodeJS.Platform;
  packaged: boolean;
  /** What to launch: the AppImage or the installed binary; in development, Electron's binary. */
  exec: string;
  /** The app folder Electron is given in development (unused once packaged). */
  appRoot: string;
  /** Linux only: ~/.config/autostart. */
  autostartDir: string;
}

/** Why "Start at login" does nothing where it cannot work; null where it does. */
export function loginItemUnsupported(target: Pick<LoginItemTarget, 'platform' | 'packaged'>): string | null {
  // A login item of the unpackaged app would be bare Electron.app, which opens Electron's default
  // app at login; macOS login items cannot pass the app folder as an argument.
  if (target.platform === 'darwin' && !target.packaged) return '"Start at login" works only in the installed app on macOS (under npm start it would register Electron itself); nothing was changed.';
  return null;
}

/** What Electron's setLoginItemSettings gets on macOS and Windows; null where nothing is registered. */
export function loginItemSettings(enabled: boolean, target: LoginItemTarget): Settings | null {
  if (loginItemUnsupported(target)) return null;
  if (target.platform === 'darwin') return { openAtLogin: enabled };
  // electron.d.ts, Settings.args (Windows): "Take care to wrap paths in quotes." The app folder
  // Electron needs in development may hold spaces; the executable path is Electron's to quote.
  const args = target.packaged ? [HIDDEN_ARG] : [`"${target.appRoot.replace(/"/g, '')}"`, HIDDEN_ARG];
  return { openAtLogin: enabled, path: target.exec, args };
}

export async function applyStartAtLogin(app: Pick<ElectronDeps['app'], 'setLoginItemSettings'>, enabled: boolean, target: LoginItemTarget): Promise<void> {
  if (target.platform === 'darwin' || target.platform === 'win32') {
    const settings = loginItemSettings(enabled, target);
    if (settings) app.setLoginItemSettings(settings);
    return;
  }
  const file = join(target.autostartDir, AUTOSTART_FILE);
  if (!enabled) return rm(file, { force: true });
  await mkdir(target.autostartDir, { recursive: true });
  const args = target.packaged ? [HIDDEN_ARG] : [target.appRoot, HIDDEN_ARG];
  await writeFile(file, autostartEntry(target.exec, args), 'utf8');
}
