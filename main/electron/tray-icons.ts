// Which tray icon shows which state, and where the PNGs live (build/tray in development,
// <resources>/tray once packaged: electron-builder copies them as extra resources).
// Electron picks `name@2x.png` next to `name.png` on high-DPI screens by itself.
import { join } from 'node:path';
import type { EnginePhase, RunKind } from '../engine/types.js';

export const TRAY_PHASES: readonly EnginePhase[] = ['idle', 'running', 'paused', 'error', 'offline'];
/** Every tray icon drawn per state: the phases', and a restore's (it replaces the person's data). */
export const TRAY_ICONS: readonly string[] = [...TRAY_PHASES, 'restoring'];

/**
 * macOS menu bars expect a monochrome template image (the system tints it for light and dark
 * bars) — used when all is well; states that need attention keep their colour everywhere.
 */
export function trayIconFile(phase: EnginePhase, platform: NodeJS.Platform, kind?: RunKind, overdue = false): string {
  // No backup for too long (and not paused on purpose): the warning (error) icon, whatever else is calm.
  if (overdue && (phase === 'idle' || phase === 'offline')) phase = 'error';
  if (platform === 'darwin' && phase === 'idle') return 'trayTemplate.png';
  // Windows: an ICO holding 16, 20, 24 and 32 px, so the icon is drawn sharp at 100–200 % scaling
  // (a PNG pair covers only 100 % and 200 %; Windows does not pick `@2x` files by itself).
  const ext = platform === 'win32' ? 'ico' : 'png';
  // A restore in flight has its own icon, in colour on macOS too: it is replacing the data.
  if (phase === 'running' && kind === 'restore') return `restoring.${ext}`;
  // Waiting for another process's backup: held up, like paused, not failed.
  if (phase === 'waiting') return `paused.${ext}`;
  return `${TRAY_PHASES.includes(phase) ? phase : 'idle'}.${ext}`;
}

export function trayIconDir(opts: { packaged: boolean; resourcesPath: string; appRoot: string }): string {
  return opts.packaged ? join(opts.resourcesPath, 'tray') : join(opts.appRoot, 'build', 'tray');
}
