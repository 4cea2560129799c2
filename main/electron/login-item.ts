// Start at login. macOS and Windows: Electron's login item settings. Linux has no such API in
// Electron, so we write (or remove) an XDG autostart entry, which desktop sessions honour.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElectronDeps } from './deps.js';

export const AUTOSTART_FILE = 'pieces-backup.desktop';

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
  /** What to launch: the AppImage or the installed binary; in development, electron + the app folder. */
  exec: string;
  args: string[];
  /** Linux only: ~/.config/autostart. */
  autostartDir: string;
}

export async function applyStartAtLogin(app: Pick<ElectronDeps['app'], 'setLoginItemSettings'>, enabled: boolean, target: LoginItemTarget): Promise<void> {
  if (target.platform === 'darwin' || target.platform === 'win32') {
    app.setLoginItemSettings({ openAtLogin: enabled, ...(target.platform === 'win32' ? { path: target.exec, args: target.args } : {}) });
    return;
  }
  const file = join(target.autostartDir, AUTOSTART_FILE);
  if (!enabled) return rm(file, { force: true });
  await mkdir(target.autostartDir, { recursive: true });
  await writeFile(file, autostartEntry(target.exec, target.args), 'utf8');
}
