// What the emulator's "cloud" can do, without HTTP: make a real backup, restore one over the local
// database (one piece of work at a time, either kind), say where each stands, cancel it, seed
// metadata-only records, delete, and describe records the way PiecesOS puts them on the wire.
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BackupStatus, Platform } from '../main/api/wire.js';
import { PLATFORMS } from '../main/api/wire.js';
import { archiveFolder } from './archiver.js';
import { restoreArchive } from './restorer.js';
import { BackupStore, type StoredBackup } from './store.js';
import type { SeedOptions } from './types.js';

export const SCHEMA = { migration: 0, semantic: 'MAJOR_0_MINOR_0_PATCH_1' } as const;

/** Another piece of work is running (its message says which). */
export class BusyError extends Error {}
/** The work was stopped by creation/cancel or restoration/cancel. */
export class CanceledError extends Error {}
/** The backup exists, but the emulator holds no data to restore from (seeded, or its archive is gone). */
export class NoDataError extends Error {}
/** Thrown by a restore's progress hook to start the unpacking over from 0 (the RESET fault). */
export class RestartFromZero extends Error {}

export type WorkKind = 'create' | 'restore';

/** Where a create or a restore stands (BackupStatus on the wire). */
export interface WorkState {
  status: BackupStatus;
  percentage: number | null;
  record: StoredBackup;
}

interface Activity extends WorkState {
  kind: WorkKind;
  cancel: AbortController;
  settled: Promise<void>;
  settle: () => void;
}

/** One change of a create or a restore: its kind and where it stands now (terminal when it ended). */
export interface WorkChange extends WorkState {
  kind: WorkKind;
}

export type CancelOutcome = { ok: true } | { ok: false; reason: string };

/** The id that means "the one in progress, else the latest": the real API names a backup being
 * made only at its end, so a client that has not seen `backup_id` yet can still ask about it. */
export const CURRENT = 'current';

export interface ServiceConfig {
  dataDir: string;
  source: string;
  version: string;
  deviceName: string;
  platform: Platform;
  log: (line: string) => void;
}

/** Progress of the real work; `canceled` aborts when the work is canceled (a stall fault ends on it). */
export type ProgressHook = (percent: number, canceled: AbortSignal) => Promise<void> | void;

export interface CreateRun {
  signal: AbortSignal;
  bytesPerSecond: number | undefined;
  onProgress: ProgressHook;
  /** Called once the backup's id is known, before any work. */
  onStart?: (id: string) => void;
  /** Called when the work starts over (after the progress hook threw RestartFromZero). */
  onReset?: () => void;
}

export interface RestoreRun {
  id: string;
  signal: AbortSignal;
  bytesPerSecond: number | undefined;
  onProgress: ProgressHook;
  /** Called when the work starts over (after the progress hook threw RestartFromZero). */
  onReset?: () => void;
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
  private activity: Activity | null = null;
  private lastMillis = 0;
  /** How the last create and the last restore of each id ended, for the status endpoints. */
  private readonly finished: Record<WorkKind, Map<string, WorkState>> = { create: new Map(), restore: new Map() };
  private readonly latest: Partial<Record<WorkKind, string>> = {};
  /** Told on every change of where work stands (start, progress, reset, end), whoever started it. */
  private readonly watchers = new Set<(change: WorkChange) => void>();

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

  /** The folder the emulator treats as its local Pieces database: what it backs up and restores over. */
  get databaseDir(): string {
    return this.cfg.source;
  }

  get isBusy(): boolean {
    return this.activity !== null;
  }

  /** What runs now, for the state endpoint. */
  get running(): { kind: WorkKind; id: string; status: BackupStatus; percentage: number | null } | null {
    const a = this.activity;
    return a === null ? null : { kind: a.kind, id: a.record.id, status: a.status, percentage: a.percentage };
  }

  /** Calls `fn` on every change of any create or restore; returns the unsubscribe function. */
  watch(fn: (change: WorkChange) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  private announce(kind: WorkKind, state: WorkState): void {
    const change: WorkChange = { kind, status: state.status, percentage: state.percentage, record: state.record };
    for (const fn of this.watchers) {
      try {
        fn(change);
      } catch (e) {
        this.cfg.log(`A progress watcher failed: ${(e as Error).message}`);
      }
    }
  }

  /** Claims the one slot for work, or says what holds it. */
  private begin(kind: WorkKind, record: StoredBackup): Activity {
    const a = this.activity;
    if (a !== null) {
      throw new BusyError(a.kind === 'create'
        ? 'A backup is being made; wait for it to finish (or cancel it) and try again.'
        : `Backup ${JSON.stringify(a.record.id)} is being restored; wait for the restore to finish (or cancel it) and try again.`);
    }
    let settle = (): void => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const activity: Activity = { kind, record, status: 'INITIALIZED', percentage: 0, cancel: new AbortController(), settled, settle };
    this.activity = activity;
    this.latest[kind] = record.id;
    this.announce(kind, activity);
    return activity;
  }

  private end(a: Activity, status: BackupStatus, record = a.record): void {
    const state: WorkState = { status, percentage: status === 'COMPLETED' ? 100 : a.percentage, record };
    this.finished[a.kind].delete(record.id); // keeps the map's order: latest last
    this.finished[a.kind].set(record.id, state);
    if (this.finished[a.kind].size > 1000) this.finished[a.kind].delete(this.finished[a.kind].keys().next().value as string);
    this.activity = null;
    a.settle();
    this.announce(a.kind, state);
  }

  /** Tracks the percentage the status endpoints report, then hands it to the caller's hook. */
  private progressOf(a: Activity, hook: ProgressHook): (percent: number) => Promise<void> {
    return async (percent) => {
      const status = percent === 0 ? 'INITIALIZED' : 'IN-PROGRESS';
      const changed = status !== a.status || percent !== a.percentage;
      a.status = status;
      a.percentage = percent;
      if (changed) this.announce(a.kind, a);
      await hook(percent, a.cancel.signal);
    };
  }

  /** Where a create or restore of `id` (or CURRENT) stands; null when the emulator knows no such backup. */
  status(kind: WorkKind, id: string): WorkState | null {
    const a = this.activity;
    const wanted = id === CURRENT ? (a?.kind === kind ? a.record.id : this.latest[kind]) : id;
    if (wanted === undefined) return null;
    if (a !== null && a.kind === kind && a.record.id === wanted) return { status: a.status, percentage: a.percentage, record: a.record };
    const done = this.finished[kind].get(wanted);
    if (done !== undefined) return done;
    const record = this.store.get(wanted);
    if (record === undefined) return null;
    // A stored backup was made (COMPLETED); one never restored here has no restore status.
    return kind === 'create' ? { status: 'COMPLETED', percentage: 100, record } : { status: 'UNKNOWN', percentage: null, record };
  }

  /** Stops the create or restore of `id` (or CURRENT) and waits until it has cleaned up; a restore's
   * original data is back in place when this says ok. */
  async cancel(kind: WorkKind, id: string): Promise<CancelOutcome> {
    const a = this.activity;
    const noun = kind === 'create' ? 'backup is being made' : 'restore is in progress';
    if (a === null || a.kind !== kind) return { ok: false, reason: `No ${noun}, so there is nothing to cancel.` };
    if (id !== CURRENT && id !== a.record.id) {
      return { ok: false, reason: `No ${kind === 'create' ? 'creation' : 'restore'} of backup ${JSON.stringify(id)} is in progress (the one in progress is ${JSON.stringify(a.record.id)}).` };
    }
    a.cancel.abort(new CanceledError('canceled'));
    await a.settled;
    const ended = this.finished[kind].get(a.record.id);
    if (ended?.status === 'CANCELED') return { ok: true };
    return { ok: false, reason: `The ${kind === 'create' ? 'backup' : 'restore'} had already ${ended?.status === 'COMPLETED' ? 'completed' : 'ended'} when the cancel arrived.` };
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

  /** Runs a real backup of the source folder. Throws BusyError if other work is running, CanceledError when canceled. */
  async create(run: CreateRun): Promise<StoredBackup> {
    const { id, millis } = this.nextId(Date.now());
    // What the backup will be; its size is known once it is written.
    const planned: StoredBackup = {
      id, version: this.cfg.version, timestamp: String(millis), bytes: 0,
      created: { value: new Date(millis).toISOString() }, device_name: this.cfg.deviceName, platform: this.cfg.platform,
    };
    const activity = this.begin('create', planned);
    run.onStart?.(id);
    const dest = this.archivePath(id);
    try {
      const signal = AbortSignal.any([run.signal, activity.cancel.signal]);
      const onProgress = this.progressOf(activity, run.onProgress);
      const bytes = await this.overFromZero(activity, run.onReset, () => archiveFolder({ source: this.cfg.source, dest, bytesPerSecond: run.bytesPerSecond, signal, onProgress }));
      const record: StoredBackup = { ...planned, bytes };
      try {
        await this.store.add([record]);
      } catch (e) {
        await rm(dest, { force: true });
        throw e;
      }
      this.end(activity, 'COMPLETED', record);
      return record;
    } catch (e) {
      const canceled = activity.cancel.signal.aborted;
      if (this.activity === activity) this.end(activity, canceled ? 'CANCELED' : 'FAILED');
      if (canceled) throw new CanceledError('The backup was canceled; nothing was added to the cloud.');
      throw e;
    }
  }

  /** Runs `work`, starting it over each time its progress hook throws RestartFromZero (it has cleaned up by then). */
  private async overFromZero<T>(a: Activity, onReset: (() => void) | undefined, work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (e) {
        if (!(e instanceof RestartFromZero)) throw e;
        a.status = 'RESET';
        a.percentage = 0;
        this.announce(a.kind, a);
        onReset?.();
      }
    }
  }

  /** The archive a restore of `id` reads, or why there is none. */
  private async restorableArchive(record: StoredBackup): Promise<string> {
    if (record.seeded === true) {
      throw new NoDataError(`Backup ${JSON.stringify(record.id)} has no data in the emulator (it was seeded as metadata only), so it cannot be restored; restore a backup the emulator made.`);
    }
    const archive = this.archivePath(record.id);
    const present = await access(archive).then(() => true, () => false);
    if (!present) throw new NoDataError(`The archive of backup ${JSON.stringify(record.id)} is missing from the emulator's cloud folder, so it cannot be restored; restore another backup.`);
    return archive;
  }

  /**
   * Restores a stored backup over the local database (see restorer.ts). Resolves once it is in
   * place; throws NoDataError, BusyError, CanceledError (original data in place), or the fault or
   * failure that stopped it (original data in place too).
   */
  async restore(run: RestoreRun): Promise<StoredBackup> {
    const record = this.store.get(run.id);
    if (record === undefined) throw new NoDataError(`There is no backup with id ${JSON.stringify(run.id)}; list the backups to see which exist.`);
    const archive = await this.restorableArchive(record);
    const activity = this.begin('restore', record);
    const signal = AbortSignal.any([run.signal, activity.cancel.signal]);
    const onProgress = this.progressOf(activity, run.onProgress);
    try {
      await this.overFromZero(activity, run.onReset, () => restoreArchive({ archive, target: this.cfg.source, bytesPerSecond: run.bytesPerSecond, signal, onProgress }));
      this.cfg.log(`Backup ${record.id} was restored over ${this.cfg.source}.`);
      this.end(activity, 'COMPLETED');
      return record;
    } catch (e) {
      const canceled = activity.cancel.signal.aborted;
      this.end(activity, canceled ? 'CANCELED' : 'FAILED');
      if (canceled) throw new CanceledError('The restore was canceled; the original data was kept.');
      throw e;
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
    const a = this.activity;
    if (a?.kind === 'restore' && a.record.id === id) throw new BusyError(`Backup ${JSON.stringify(id)} is being restored; wait for the restore to finish (or cancel it) and try again.`);
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
