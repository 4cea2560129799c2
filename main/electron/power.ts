// After sleep a scheduled run may have been missed: tell the core when the system wakes.
import type { AppCore } from '../core/types.js';
import type { ElectronDeps } from './deps.js';

export function watchPower(powerMonitor: ElectronDeps['powerMonitor'], core: Pick<AppCore, 'systemResumed'>): void {
  powerMonitor.on('resume', () => core.systemResumed());
}
