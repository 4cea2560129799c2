// Electron's userData folder is the shared settings folder (electron-store and Chromium's own data
// live there). electron.d.ts, app.setPath: "If the path specifies a directory that does not exist,
// an Error is thrown. In that case, the directory should be created with fs.mkdirSync or similar."
import { mkdirSync } from 'node:fs';
import type { App } from 'electron';

export function prepareUserData(app: Pick<App, 'setPath'>, dir: string, log: (message: string) => void): boolean {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    // The settings store copes with an unwritable folder (settings in memory, and it says so);
    // Chromium keeps its default folder.
    log(`The settings folder ${dir} could not be created (${e instanceof Error ? e.message : String(e)}); check its permissions. Settings cannot be saved this session.`);
    return false;
  }
  app.setPath('userData', dir);
  return true;
}
