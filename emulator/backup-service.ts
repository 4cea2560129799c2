// What the emulator's "cloud" can do, without HTTP: make a real backup (one at a time), seed
// metadata-only records, delete, and describe records the way PiecesOS puts them on the wire.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Platform } from '../main/api/wire.js';
import { PLATFORMS } from '../main/api/wire.js';
import { archiveFolder } from './archiver.js';
import { BackupStore, type StoredBackup } from './store.js';
import type { SeedOptions } from './types.js';

export const SCHEMA = { migration: 0, semantic: 'MAJOR_0_MINOR_0_PATCH_1' } as const;

export class BusyError extends Error {}

export interface ServiceConfig {
  dataDir: string;
  source: string;
  version: string;
  deviceName: string;
  platform: Platform;
  log: (line: string) => void;
}

export interface CreateRun {
  signal: AbortSignal;
  bytesPerSecond: number | undefined;
  onProgress: (percent: number) => Promise<void> | void;
}

/** "just now", "5 minutes ago": PiecesOS sends a readable relative time next to the exact one. */
function readableAgo(createdMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - createdMs) / 1000));
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'} ago`;
  if (s < 60) return 'just now';
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < 86400) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86400), 'day');
}

export class BackupService {
  readonly store: BackupStore;
  readonly cloudDir: string;
  private busy = false;
  private lastMillis = 0;

  constructor(private readonly cfg: ServiceConfig) {
    this.store = new BackupStore(cfg.dataDir, cfg.log);
    this.cloudDir = path.join(cfg.dataDir, 'cloud');
  }

  async init(): Promise<void> {
    await mkdir(this.cloudDir, { recursive: true });
    // Partial archives are what an interrupted run left behind; they were never recorded.
    for (const name of await readdir(this.cloudDir)) {
      if (name.endsWith('.partial')) await rm(path.join(this.cloudDir, name), { force: true });
    }
    await this.store.load();
  }

  /** The device name this emulated machine puts on its backups. */
  get deviceName(): string {
    return this.cfg.deviceName;
  }

  get isBusy(): boolean {
    return this.busy;
  }

  archivePath(id: string): string {
    return path.join(this.cloudDir, `${encodeURIComponent(id)}.tar.gz`);
  }

  /** `<version>_<epoch millis>`, bumped by a millisecond when that id is taken. */
  private nextId(millis: number): { id: string; millis: number } {
    let m = Math.max(millis, this.lastMillis + 1);
    while (this.store.has(`${this.cfg.version}_${m}`)) m++;
    this.lastMillis = m;
    return { id: `${this.cfg.version}_${m}`, millis: m };
  }

  /** Runs a real backup of the source folder. Throws BusyError if one is already running. */
  async create(run: CreateRun): Promise<StoredBackup> {
    if (this.busy) throw new BusyError('A backup is already in progress.');
    this.busy = true;
    try {
      const { id, millis } = this.nextId(Date.now());
      const dest = this.archivePath(id);
      const bytes = await archiveFolder({ source: this.cfg.source, dest, bytesPerSecond: run.bytesPerSecond, signal: run.signal, onProgress: run.onProgress });
      const record: StoredBackup = {
        id, version: this.cfg.version, timestamp: String(millis), bytes,
        created: { value: new Date(millis).toISOString() }, device_name: this.cfg.deviceName, platform: this.cfg.platform,
      };
      try {
        await this.store.add([record]);
      } catch (e) {
        await rm(dest, { force: true });
        throw e;
      }
      return record;
    } finally {
      this.busy = false;
    }
  }

  /** Adds `count` metadata-only records (no archive), one hour apart, for large-list tests. */
  async seed(count: number, opts: SeedOptions = {}): Promise<void> {
    const hour = 3_600_000;
    const start = opts.startDate?.getTime() ?? Date.now() - count * hour;
    const platform = PLATFORMS.find((p) => p === opts.platform) ?? this.cfg.platform;
    const records: StoredBackup[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < count; i++) {
      let m = start + i * hour;
      while (this.store.has(`${this.cfg.version}_${m}`) || taken.has(`${this.cfg.version}_${m}`)) m++;
      const id = `${this.cfg.version}_${m}`;
      taken.add(id);
      records.push({
        id, version: this.cfg.version, timestamp: String(m), bytes: 1_000_000 + ((i * 7919) % 4_000_000),
        created: { value: new Date(m).toISOString() }, device_name: opts.deviceName ?? this.cfg.deviceName, platform, seeded: true,
      });
    }
    await this.store.add(records);
  }

  async delete(id: string): Promise<boolean> {
    const record = this.store.get(id);
    if (record === undefined) return false;
    if (record.seeded !== true) await rm(this.archivePath(id), { force: true });
    return this.store.remove(id);
  }

  /** A record as PiecesOS sends it: snake_case, with `schema`, without emulator-only fields. */
  toWire(r: StoredBackup, nowMs = Date.now()): Record<string, unknown> {
    const createdMs = Date.parse(r.created.value);
    return {
      schema: SCHEMA, id: r.id, version: r.version, timestamp: r.timestamp, bytes: r.bytes,
      created: { value: r.created.value, readable: readableAgo(Number.isNaN(createdMs) ? nowMs : createdMs, nowMs) },
      device_name: r.device_name, platform: r.platform,
    };
  }

  listWire(): Record<string, unknown> {
    const now = Date.now();
    const iterable = this.store.all().map((r) => this.toWire(r, now));
    const indices: Record<string, number> = {};
    this.store.all().forEach((r, i) => (indices[r.id] = i));
    return { schema: SCHEMA, iterable, indices };
  }
}
