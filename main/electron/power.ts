// Power events. After sleep a scheduled run may have been missed: tell the core when the system
// wakes. Before a shutdown or reboot (Linux, macOS), quit cleanly so a backup in flight is
// canceled and recorded; Windows ends the process without that chance, which the run marker
// (main/engine/interrupted.ts) covers at the next start.
import type { AppCore } from '../core/types.js';
import type { ElectronDeps } from './deps.js';

export function watchPower(powerMonitor: ElectronDeps['powerMonitor'], core: Pick<AppCore, 'systemResumed'>, onShutdown: () => void): void {
  powerMonitor.on('resume', () => core.systemResumed());
  // electron.d.ts, powerMonitor 'shutdown' (Linux, macOS): "If the event handler invokes
  // e.preventDefault(), Electron will attempt to delay system shutdown in order for the app to exit
  // cleanly. If e.preventDefault() is called, the app should exit as soon as possible by calling
  // something like app.quit()." (Its typings pass no event, hence the check.)
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    const event = args[0] as { preventDefault?: () => void } | undefined;
    if (typeof event?.preventDefault === 'function') event.preventDefault();
    onShutdown();
  });
}
