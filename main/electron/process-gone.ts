// Crashed or killed processes, which a packaged app would otherwise lose without a trace: each is
// logged (to the file log, see main.ts), and the window's page is reloaded after its renderer went
// away, unless it keeps crashing.
import type { ElectronDeps, WindowLike } from './deps.js';

/** More reloads than this within RELOAD_WINDOW_MS is a crash loop: stop reloading. */
export const MAX_RELOADS = 3;
export const RELOAD_WINDOW_MS = 60_000;

export function watchProcessesGone(app: ElectronDeps['app'], windows: { current(): WindowLike | null }, log: (message: string) => void, now: () => number = Date.now): void {
  const reloads: number[] = [];
  // electron.d.ts, app 'render-process-gone': "Emitted when the renderer process unexpectedly
  // disappears. This is normally because it was crashed or killed."
  app.on('render-process-gone', (_event, contents, details) => {
    const why = `reason ${details.reason}, exit code ${details.exitCode}`;
    const w = windows.current();
    if (!w || w.webContents !== (contents as unknown) || details.reason === 'clean-exit') {
      log(`A page's process ended (${why}).`);
      return;
    }
    const t = now();
    while (reloads.length > 0 && t - reloads[0]! > RELOAD_WINDOW_MS) reloads.shift();
    if (reloads.length >= MAX_RELOADS) {
      log(`The window's page stopped again (${why}) and was not reloaded: it stopped ${MAX_RELOADS} times within a minute. Close the window and open it again from the tray.`);
      return;
    }
    reloads.push(t);
    log(`The window's page stopped (${why}); reloading it.`);
    try { contents.reload(); } catch (e) { log(`The window could not be reloaded (${String(e)}); close it and open it again from the tray.`); }
  });
  // "Emitted when the child process unexpectedly disappears. ... It does not include renderer processes."
  app.on('child-process-gone', (_event, details) => {
    log(`Electron's ${details.name ?? details.type} process ended (reason ${details.reason}, exit code ${details.exitCode}).`);
  });
}
