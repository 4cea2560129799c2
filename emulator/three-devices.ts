// A dozen backups from three devices, for the window's checks (test/helpers/window-states.ts) and
// the README's screenshots (scripts/screenshots.ts): this computer (the emulator's own device
// name, Linux) and two others, a few days to two months old, one hour apart per device.
import type { RunningEmulator } from './types.js';

export const THIS_DEVICE = { deviceName: 'test-box', platform: 'LINUX' } as const;

export const THREE_DEVICES = [
  { count: 4, ...THIS_DEVICE, daysAgo: 3 },
  { count: 4, deviceName: 'Ada’s MacBook Pro', platform: 'MACOS', daysAgo: 20 },
  { count: 4, deviceName: 'office-desktop-2', platform: 'WINDOWS', daysAgo: 60 },
] as const;

export async function seedThreeDevices(emulator: RunningEmulator, now: number = Date.now()): Promise<void> {
  for (const s of THREE_DEVICES) {
    await emulator.seed(s.count, { deviceName: s.deviceName, platform: s.platform, startDate: new Date(now - s.daysAgo * 86_400_000) });
  }
}
