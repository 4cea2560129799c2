// Starting the project's emulator for a section, quietly, in the section's temp dir.
import path from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';

export async function emulatorWith(tmp: string, backups: number, opts: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, dataDir: path.join(tmp, 'emulator'), deviceName: 'bench-box', log: () => undefined, ...opts });
  if (backups > 0) await emu.seed(backups);
  return emu;
}
