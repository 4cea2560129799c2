// The backups grouped by the device that made them, for the list's device filter: how many and
// how big, this computer first, then the others by name.
import type { Backup } from '../../main/api/wire.js';
import type { BackupStore } from '../backup-store.js';

export interface DeviceGroup {
  /** The device name as the backups carry it. */
  device: string;
  thisComputer: boolean;
  count: number;
  bytes: number;
}

/** A size that counts towards a total (a missing or negative one counts as nothing). */
export function sizeOfBytes(bytes: number): number {
  return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
}

export function sizeOf(b: Backup): number {
  return sizeOfBytes(b.bytes);
}

/** The groups of a plain list, or of the window's store (read by column, no object per backup). */
export function groupByDevice(list: readonly Backup[] | BackupStore, thisDevice: string | null): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>();
  if (!Array.isArray(list)) {
    for (const d of (list as BackupStore).devices()) groups.set(d.name, { device: d.name, thisComputer: d.name === thisDevice, count: d.count, bytes: d.bytes });
  } else {
    for (const b of list as readonly Backup[]) {
      let g = groups.get(b.deviceName);
      if (!g) groups.set(b.deviceName, (g = { device: b.deviceName, thisComputer: b.deviceName === thisDevice, count: 0, bytes: 0 }));
      g.count++;
      g.bytes += sizeOf(b);
    }
  }
  return [...groups.values()].sort((a, b) => Number(b.thisComputer) - Number(a.thisComputer) || a.device.localeCompare(b.device));
}
