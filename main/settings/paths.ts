// Where settings and history live: the folder Electron's app.getPath('userData') gives for the
// productName "Pieces Backup", so the tray app, the daemon and the CLI share one config folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Pieces Backup';

export function defaultConfigDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}
