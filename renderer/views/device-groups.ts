// The backups grouped by the device that made them, for the list's device filter: how many and
// how big, this computer first, then the others by name.
import type { Backup } from '../../main/api/wire.js';

export interface DeviceGroup {
  /** The device name as the backups carry it. */
  device: string;
  thisComputer: boolean;
  count: number;
  bytes: number;
}

export function sizeOf(b: Backup): number {
  return Number.isFinite(b.bytes) && b.bytes > 0 ? b.bytes : 0;
}

export function groupByDevice(list: readonly Backup[], thisDevice: string | null): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>();
  for (const b of list) {
    let g = groups.get(b.deviceName);
    if (!g) groups.set(b.deviceName, (g = { device: b.deviceName, thisComputer: b.deviceName === thisDevice, count: 0, bytes: 0 }));
    g.count++;
    g.bytes += sizeOf(b);
  }
  return [...groups.values()].sort((a, b) => Number(b.thisComputer) - Number(a.thisComputer) || a.device.localeCompare(b.device));
}
