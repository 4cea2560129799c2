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
  const store = Array.isArray(list) ? null : (list as BackupStore);
  for (let i = 0; i < list.length; i++) {
    const device = store ? store.deviceName(i) : (list as readonly Backup[])[i]!.deviceName;
    let g = groups.get(device);
    if (!g) groups.set(device, (g = { device, thisComputer: device === thisDevice, count: 0, bytes: 0 }));
    g.count++;
    g.bytes += sizeOfBytes(store ? store.bytes(i) : (list as readonly Backup[])[i]!.bytes);
  }
  return [...groups.values()].sort((a, b) => Number(b.thisComputer) - Number(a.thisComputer) || a.device.localeCompare(b.device));
}
