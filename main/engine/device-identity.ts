// Which device is "this computer" among the backups' device names. Retention limited to this
// computer acts on it, so it is never guessed: it is the `name` PiecesOS gives for this machine
// (GET /os/device/information), else the device name on a backup that a create on this machine
// returned in its own answer. Never the newest entry of a list, never the host name alone (PiecesOS
// may name the machine otherwise). What was learned is kept in `device.json` in the settings
// folder, so a restart does not start from ignorance and an older PiecesOS without that endpoint
// still has an answer.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupsApi } from '../api/backups-api.js';

export const DEVICE_FILE = 'device.json';

export type DeviceSource = 'pieces-os' | 'own-backup';

export interface DeviceIdentity {
  name: string;
  /** 'pieces-os': PiecesOS said it; 'own-backup': read from a backup this machine made. */
  source: DeviceSource;
  learnedAt: string;
}

export interface DeviceIdentityStore {
  /** What is known now, from memory (the file is read once, at the first call of any method). */
  known(): Promise<DeviceIdentity | null>;
  /** Ask PiecesOS, remember what it says, and answer; what was kept before when it cannot say. */
  resolve(api: BackupsApi, signal?: AbortSignal): Promise<DeviceIdentity | null>;
  /** A create on this machine returned this backup: its device name is this computer's, unless
   * PiecesOS has named this machine itself (that answer wins). */
  learnFromOwnBackup(deviceName: string): Promise<void>;
}

function parse(text: string): DeviceIdentity | null {
  try {
    const v = JSON.parse(text) as Partial<DeviceIdentity>;
    if (typeof v.name !== 'string' || v.name.trim() === '') return null;
    if (v.source !== 'pieces-os' && v.source !== 'own-backup') return null;
    return { name: v.name, source: v.source, learnedAt: typeof v.learnedAt === 'string' ? v.learnedAt : '' };
  } catch {
    return null;
  }
}

export function openDeviceIdentity(configDir: string, opts: { now?: () => number; log?: (message: string) => void } = {}): DeviceIdentityStore {
  const path = join(configDir, DEVICE_FILE);
  const now = opts.now ?? Date.now;
  let loaded: Promise<DeviceIdentity | null> | null = null;
  let current: DeviceIdentity | null = null;

  const load = (): Promise<DeviceIdentity | null> =>
    (loaded ??= readFile(path, 'utf8').then(
      (text) => (current = parse(text)),
      () => null, // none yet, or unreadable: nothing is known
    ));

  const remember = async (name: string, source: DeviceSource): Promise<void> => {
    await load();
    if (current?.name === name && current.source === source) return;
    current = { name, source, learnedAt: new Date(now()).toISOString() };
    try {
      await mkdir(configDir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(current, null, 2) + '\n', 'utf8');
      await rename(tmp, path);
    } catch (e) {
      // Known for this process all the same; the next start learns it again.
      opts.log?.(`Could not save this computer's device name in ${path} (${(e as Error).message}).`);
    }
  };

  return {
    // What is known now: the file's answer, or what was learned since (load() caches the file's).
    known: async () => {
      await load();
      return current;
    },
    async resolve(api, signal) {
      await load();
      try {
        const info = await api.deviceInformation(signal ? { signal } : {});
        if (info.name !== null) await remember(info.name, 'pieces-os');
      } catch {
        // An older PiecesOS without the endpoint, or not reachable now: keep what is known.
      }
      return current;
    },
    async learnFromOwnBackup(deviceName) {
      await load();
      if (deviceName.trim() === '' || current?.source === 'pieces-os') return;
      await remember(deviceName, 'own-backup');
    },
  };
}
