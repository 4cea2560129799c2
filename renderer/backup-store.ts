// The window's list of backups, kept compactly: 10,000 plain objects cost ≈ 218 B each in the
// page's heap (issue 13, target 5), while the window only ever shows a screenful. So the store
// keeps columns — the ids, creation times and sizes in typed arrays, device, platform and
// version as indexes into small tables of the distinct names — newest first, and hands out a
// `Backup` object for the few rows a view asks for (made on demand, not kept here).
import type { Backup, Platform } from '../main/api/wire.js';
import { isoMillis, sortNewestFirst } from '../main/api/backup-order.js';
import { sizeOfBytes } from './views/device-groups.js';

export interface BackupStore {
  /** How many backups are listed. */
  readonly length: number;
  /** The backup at that place (0: the newest), made for the caller; the window does not read
   * `createdReadable`, so it is left out. */
  at(i: number): Backup;
  id(i: number): string;
  deviceName(i: number): string;
  bytes(i: number): number;
  /** The creation time as Date.parse reads it (NaN when it cannot). */
  createdMillis(i: number): number;
  /** The creation time exactly as the list gave it. */
  created(i: number): string;
  /** Where that backup is listed, or -1. */
  indexOf(id: string): number;
  find(id: string): Backup | undefined;
  /** Drop one backup (after a delete); false when it was not listed. */
  remove(id: string): boolean;
  /** Each device's name, how many backups and their total size (sizeOfBytes), in first-seen order. */
  devices(): { name: string; count: number; bytes: number }[];
}

/** Distinct strings by index: a device's or version's name is kept once, not once per backup. */
class Names {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private last = '';
  private lastAt = -1;
  of(name: string): number {
    // Neighbours mostly share a name (one version, one platform, runs of one device): no lookup.
    if (name === this.last && this.lastAt >= 0) return this.lastAt;
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    this.last = name;
    this.lastAt = i;
    return i;
  }
  /** The indexes in 2 bytes each while there are few enough names (there nearly always are). */
  column(indexes: Uint32Array): Uint16Array | Uint32Array {
    return this.names.length <= 0xffff ? Uint16Array.from(indexes) : indexes;
  }
}

/** Whether toISOString gives back `s` from its reading `t`: true for the form servers send, unless
 * V8 rolled it over (the 30th of February, 24:00). Checked by hand for the usual dates, since
 * toISOString for each of 10,000 backups took most of building the store. */
function canonicalIso(s: string, t: number, serverForm: boolean): boolean {
  if (Number.isNaN(t)) return false;
  if (serverForm && s.charCodeAt(11) !== 0x32 /* hours 20–24 */ && s.charCodeAt(8) <= 0x32 && (s.charCodeAt(8) < 0x32 || s.charCodeAt(9) <= 0x38)) return true;
  return new Date(t).toISOString() === s;
}

/** Whether `ts` is exactly String(t): the decimal digits of a whole, non-negative `t`, by hand for speed. */
function isMillisText(ts: string, t: number): boolean {
  if (!(t >= 0 && t <= Number.MAX_SAFE_INTEGER && Number.isInteger(t) && ts.length > 0 && ts.length <= 15)) return ts === String(t);
  if (ts.length > 1 && ts.charCodeAt(0) === 0x30) return false;
  let n = 0;
  for (let i = 0; i < ts.length; i++) {
    const d = ts.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return false;
    n = n * 10 + d;
  }
  return n === t;
}

/** Newest first by `sortNewestFirst`'s very rules; `list` itself is left as it is. */
export function createBackupStore(list: readonly Backup[]): BackupStore {
  const sorted = sortNewestFirst([...list]);
  let length = sorted.length;
  const ids: string[] = new Array<string>(length);
  const millis = new Float64Array(length);
  const sizes = new Float64Array(length);
  const devices = new Names();
  const platforms = new Names();
  const versions = new Names();
  const deviceAt = new Uint32Array(length);
  const platformAt = new Uint32Array(length);
  const versionAt = new Uint32Array(length);
  // What cannot be rebuilt from the columns, by position: a creation time in another form than
  // toISOString's (or unparsable), a timestamp other than the creation's epoch milliseconds.
  let oddCreated = new Map<number, string>();
  let oddTimestamp = new Map<number, string>();
  for (let i = 0; i < length; i++) {
    const b = sorted[i]!;
    ids[i] = b.id;
    const iso = isoMillis(b.created);
    const t = iso ?? Date.parse(b.created);
    millis[i] = t;
    if (!canonicalIso(b.created, t, iso !== undefined)) oddCreated.set(i, b.created);
    if (!isMillisText(b.timestamp, t)) oddTimestamp.set(i, b.timestamp);
    sizes[i] = b.bytes;
    deviceAt[i] = devices.of(b.deviceName);
    platformAt[i] = platforms.of(b.platform);
    versionAt[i] = versions.of(b.version);
  }
  const device = devices.column(deviceAt);
  const platform = platforms.column(platformAt);
  const version = versions.column(versionAt);

  const created = (i: number): string => oddCreated.get(i) ?? new Date(millis[i]!).toISOString();
  const indexOf = (id: string): number => ids.indexOf(id);
  const at = (i: number): Backup => {
    if (i < 0 || i >= length) throw new RangeError(`No backup is listed at ${i} (${length} listed).`);
    return {
      id: ids[i]!,
      version: versions.names[version[i]!]!,
      timestamp: oddTimestamp.get(i) ?? String(millis[i]),
      bytes: sizes[i]!,
      created: created(i),
      deviceName: devices.names[device[i]!]!,
      platform: platforms.names[platform[i]!] as Platform,
    };
  };
  /** The odd values after `gone` shift up by one place. */
  const without = (odd: Map<number, string>, gone: number): Map<number, string> => {
    const next = new Map<number, string>();
    for (const [i, v] of odd) if (i !== gone) next.set(i > gone ? i - 1 : i, v);
    return next;
  };

  return {
    get length() {
      return length;
    },
    at,
    id: (i) => ids[i]!,
    deviceName: (i) => devices.names[device[i]!]!,
    bytes: (i) => sizes[i]!,
    createdMillis: (i) => millis[i]!,
    created,
    indexOf,
    find(id) {
      const i = indexOf(id);
      return i < 0 ? undefined : at(i);
    },
    devices() {
      // Read by column: a group per device from typed arrays, no lookup per backup.
      const count = new Float64Array(devices.names.length);
      const bytes = new Float64Array(devices.names.length);
      for (let i = 0; i < length; i++) {
        count[device[i]!]!++;
        bytes[device[i]!]! += sizeOfBytes(sizes[i]!);
      }
      return devices.names.map((name, d) => ({ name, count: count[d]!, bytes: bytes[d]! })).filter((g) => g.count > 0);
    },
    remove(id) {
      const gone = indexOf(id);
      if (gone < 0) return false;
      ids.splice(gone, 1);
      for (const column of [millis, sizes, device, platform, version]) column.copyWithin(gone, gone + 1, length);
      length--;
      oddCreated = without(oddCreated, gone);
      oddTimestamp = without(oddTimestamp, gone);
      return true;
    },
  };
}
