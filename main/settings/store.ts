// The settings file every front end shares: `config.json` in the config folder, written through
// electron-store in the app and through conf (the library electron-store is built on) elsewhere,
// with the same schema, defaults and migrations.
//
// - A broken file never stops the app: it is moved aside as `config.json.broken-<timestamp>` and
//   the app starts on defaults, saying so (`recovered`).
// - A file from a newer version is never rewritten (that would lose what the newer app added): its
//   known keys are used, validated, read-only (`readOnly`). So is everything when the folder cannot
//   be written: the app runs on settings in memory and says they cannot be saved.
// - Reads come from memory: the engine asks on every progress value. A watch on the folder (inotify
//   and the like: no timer, no wakeup while nothing changes) reloads the file when another process
//   (the app, the daemon, `pieces-backup settings set`) changes it, and tells onChange listeners.
// - Writes never block the event loop: they wait for the cross-process settings lock
//   asynchronously, then read, change, validate and write the file while holding it.
import Conf from 'conf';
import { mkdirSync, readFileSync, renameSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, settingsPatch, settingsSchema, type Settings, type SettingsPatch } from './schema.js';
import { migrate, SETTINGS_VERSION, versionOf } from './migrations.js';
import { withFileLock } from '../engine/file-lock.js';
import { validateSchedule } from '../engine/schedule.js';

/** What openSettings needs of a store class: conf's and electron-store's constructors both fit. */
export type StoreClass = new (options: any) => { store: Record<string, unknown> };

export type PauseValue = string | 'resume' | null;

export interface SettingsStore {
  readonly path: string;
  /** The current settings, from memory (no disk access). Frozen: copy before changing. */
  get(): Settings;
  /** Validate and save a change; rejects with a clear message and writes nothing when invalid or read-only. */
  update(patch: SettingsPatch): Promise<Settings>;
  /** Pause automatic backups until an ISO time, 'resume' (until resumed), or null (not paused). */
  setPause(until: PauseValue): Promise<Settings>;
  /** Record when the schedule was set (catch-up's reference before the first successful backup). */
  setScheduleSetAt(iso: string): Promise<Settings>;
  /** Called after every change, whoever made it (this process or another one on the same folder). */
  onChange(listener: (next: Settings, prev: Settings) => void): () => void;
  /** Set when the file was broken and the store started on defaults. */
  readonly recovered?: { brokenFile: string; reason: string };
  /** Set while changes cannot be saved (a newer version's file, or a folder that cannot be written); the reason is one sentence. */
  readonly readOnly?: { reason: string };
  /** Stop watching the folder. */
  close(): void;
  /** Resolves once every change asked for so far is written (or has failed): a process that is
   * stopping waits for it, so it never leaves a half-done write behind. */
  flush(): Promise<void>;
}

/** A value the settings do not accept: the caller's mistake. */
export class SettingsValidationError extends Error {}
/** The settings cannot be changed now (see SettingsStore.readOnly). */
export class SettingsReadOnlyError extends Error {}

export const NEWER_VERSION_REASON =
  'These settings come from a newer version of Pieces Backup; they are used read-only (update Pieces Backup to change them).';

/** `repaired`: when the file is a settings object with some values this version refuses, the
 * settings with those keys at their defaults (`reset`), the others kept. */
type Repair = { settings: Settings; reset: string[] };
type Normalized = { ok: true; settings: Settings; changed: boolean; newer: boolean } | { ok: false; reason: string; repaired?: Repair };
type DiskState =
  | { kind: 'missing' }
  | { kind: 'broken'; reason: string; repaired?: Repair }
  | { kind: 'ok'; settings: Settings; changed: boolean; newer: boolean };

const NESTED = ['retries', 'retention', 'notifications'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A key's value with the defaults of a nested object filled in. */
function withNestedDefaults(key: string, v: unknown): unknown {
  return (NESTED as readonly string[]).includes(key) && isObject(v) ? { ...(DEFAULT_SETTINGS as Record<string, any>)[key], ...v } : v;
}

/** Migrate, fill missing keys from defaults, validate. */
function normalize(raw: unknown): Normalized {
  if (!isObject(raw)) return { ok: false, reason: 'it does not hold a settings object' };
  if (versionOf(raw) > SETTINGS_VERSION) return { ok: true, settings: knownKeysOf(raw).settings, changed: false, newer: true };
  const { data, from } = migrate(raw);
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...data };
  for (const k of NESTED) merged[k] = withNestedDefaults(k, merged[k]);
  delete merged.version;
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues), repaired: knownKeysOf(merged) };
  if (parsed.data.schedule.kind === 'custom') {
    const v = validateSchedule(parsed.data.schedule);
    if (!v.ok) return { ok: false, reason: v.message, repaired: knownKeysOf(merged) };
  }
  const changed = from !== SETTINGS_VERSION || JSON.stringify(parsed.data) !== JSON.stringify(stripVersion(data));
  return { ok: true, settings: parsed.data, changed, newer: false };
}

/**
 * Each key this version knows, if its value is valid here, else that key's default (listed in
 * `reset`). For a newer version's file (which may have widened what a key accepts; its unknown
 * keys stay in the file, never rewritten), and to keep the good part of a file with a value this
 * version refuses (e.g. a schedule an older version allowed more often than every 5 minutes).
 */
function knownKeysOf(raw: Record<string, unknown>): Repair {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const reset: string[] = [];
  for (const [key, field] of Object.entries(settingsSchema.shape)) {
    if (!(key in raw)) continue;
    const parsed = field.safeParse(withNestedDefaults(key, raw[key]));
    if (parsed.success && (key !== 'schedule' || validateSchedule(parsed.data).ok)) out[key] = parsed.data;
    else reset.push(key);
  }
  return { settings: settingsSchema.parse(out), reset };
}

function stripVersion(d: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, ...rest } = d;
  return rest;
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const first = issues[0];
  if (!first) return 'it is not valid';
  const where = first.path.map(String).join('.');
  return where ? `${where}: ${first.message}` : first.message;
}

function readDisk(path: string): DiskState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'broken', reason: `it cannot be read (${(e as Error).message})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'broken', reason: `it is not valid JSON (${(e as Error).message})` };
  }
  const n = normalize(raw);
  if (n.ok) return { kind: 'ok', settings: n.settings, changed: n.changed, newer: n.newer };
  return n.repaired ? { kind: 'broken', reason: n.reason, repaired: n.repaired } : { kind: 'broken', reason: n.reason };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const same = (a: Settings, b: Settings) => JSON.stringify(a) === JSON.stringify(b);

/** "a", "a and b", "a, b and c". */
function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

/** Identity, size and modification time: whether the file changed since it was last read. */
function signature(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Without a folder watch, get() looks at the file at most this often. */
const POLL_MS = 1000;

export function openSettings(opts: { configDir: string; storeClass?: StoreClass; now?: () => number }): SettingsStore {
  const now = opts.now ?? Date.now;
  const dir = opts.configDir;
  const path = join(dir, 'config.json');
  const lockPath = `${path}.lock`;

  let recovered: { brokenFile: string; reason: string } | undefined;
  let readOnly: { reason: string; cause: 'newer' | 'unwritable' } | undefined;
  const unwritable = (e: unknown, running: string) => {
    readOnly = {
      cause: 'unwritable',
      reason: `Settings cannot be saved (${(e as Error).message}); Pieces Backup runs on ${running} in memory: make ${dir} writable, then restart it.`,
    };
  };

  let folderError: unknown = null;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    folderError = e;
  }

  // conf (or electron-store) reads the file when it is created, and would throw on a broken one:
  // it is created at the first write, once the file is known to be good or gone.
  let backend: { store: Record<string, unknown> } | null = null;
  const Store: StoreClass = opts.storeClass ?? (Conf as unknown as StoreClass);
  let seen = '';
  const write = (s: Settings) => {
    backend ??= new Store({
      cwd: dir,
      configName: 'config',
      name: 'config', // electron-store's spelling of configName
      projectName: 'pieces-backup',
      projectSuffix: '',
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
    backend.store = { version: SETTINGS_VERSION, ...s };
    seen = signature(path);
  };

  let initial: Settings = DEFAULT_SETTINGS;
  let rewrite = false;
  const disk = readDisk(path);
  if (disk.kind === 'missing') rewrite = true;
  else if (disk.kind === 'ok') {
    initial = disk.settings;
    if (disk.newer) readOnly = { cause: 'newer', reason: NEWER_VERSION_REASON };
    else rewrite = disk.changed;
  } else {
    const brokenFile = `${path}.broken-${stamp(new Date(now()))}`;
    // A settings object with a few refused values keeps the rest; anything else starts on defaults.
    const repaired = disk.repaired;
    if (repaired) initial = repaired.settings;
    const what = repaired ? `The settings file held a value this version does not accept (${disk.reason})` : `The settings file was broken (${disk.reason})`;
    const startedOn = repaired
      ? `Pieces Backup reset ${listOf(repaired.reset)} to ${repaired.reset.length === 1 ? 'its default' : 'their defaults'} and kept the other settings`
      : 'Pieces Backup started on default settings';
    try {
      renameSync(path, brokenFile);
      recovered = { brokenFile, reason: `${what}; ${startedOn}, and kept the original file as ${brokenFile}.` };
      rewrite = true;
    } catch (e) {
      // Never overwrite a file that could not be kept: it may be the only copy of someone's settings.
      recovered = { brokenFile: path, reason: `${what} and could not be moved aside; ${startedOn}, and left it as it is.` };
      unwritable(e, repaired ? 'the settings it could read' : 'default settings');
    }
  }
  if (rewrite && !readOnly) {
    try {
      if (folderError) throw folderError;
      write(initial);
    } catch (e) {
      unwritable(e, disk.kind === 'ok' ? 'the saved settings' : 'default settings');
    }
  }

  let last: Settings = deepFreeze(structuredClone(initial));
  const listeners = new Set<(next: Settings, prev: Settings) => void>();
  const apply = (next: Settings) => {
    const prev = last;
    if (same(next, prev)) return;
    last = deepFreeze(structuredClone(next));
    for (const l of listeners) {
      try {
        l(last, prev);
      } catch {
        // A listener's bug must not undo a saved setting or starve the other listeners.
      }
    }
  };
  /** A newer version may write the file while we run, or be replaced by an older one. */
  const noteVersion = (newer: boolean) => {
    if (newer && readOnly?.cause !== 'unwritable') readOnly = { cause: 'newer', reason: NEWER_VERSION_REASON };
    else if (!newer && readOnly?.cause === 'newer') readOnly = undefined;
  };

  /** Take in the file as another process left it; a half-written or invalid file is ignored until it is whole. */
  const reload = () => {
    const sig = signature(path);
    if (sig === seen) return;
    const d = readDisk(path);
    if (d.kind !== 'ok') return;
    seen = sig;
    noteVersion(d.newer);
    apply(d.settings);
  };
  seen = signature(path);

  let watcher: FSWatcher | null = null;
  try {
    // The folder, not the file: writes replace the file (atomic rename), which ends a watch on it.
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === null || name === 'config.json') reload();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null; // e.g. no such folder, or no watch support: get() looks at most once a second
  }
  let polledAt = 0;

  // One write at a time in this process; the file lock orders them with other processes.
  let queue: Promise<unknown> = Promise.resolve();
  const commit = (mutate: (current: Settings) => Settings): Promise<Settings> => {
    const run = queue.then(async () => {
      if (readOnly) throw new SettingsReadOnlyError(readOnly.reason);
      return withFileLock(lockPath, async () => {
        // The file as it is now, not as last seen: another process may have just changed it.
        const d = readDisk(path);
        if (d.kind === 'ok' && d.newer) {
          noteVersion(true);
          throw new SettingsReadOnlyError(NEWER_VERSION_REASON);
        }
        const base = d.kind === 'ok' ? d.settings : last;
        const checked = settingsSchema.safeParse(mutate(base));
        if (!checked.success) throw new SettingsValidationError(`Settings not saved: ${describeIssues(checked.error.issues)}.`);
        write(checked.data);
        apply(checked.data);
        return last;
      });
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const self: SettingsStore = {
    path,
    flush: () => queue.then(() => undefined),
    get() {
      if (!watcher && Date.now() - polledAt >= POLL_MS) {
        polledAt = Date.now();
        reload();
      }
      return last;
    },
    async update(patch) {
      const parsed = settingsPatch.safeParse(patch);
      if (!parsed.success) throw new SettingsValidationError(`Settings not saved: ${describeIssues(parsed.error.issues)}.`);
      const p = parsed.data;
      if (p.schedule) {
        const v = validateSchedule(p.schedule);
        if (!v.ok) throw new SettingsValidationError(`Settings not saved: ${v.message}`);
      }
      return commit((cur) => {
        const next: Settings = { ...cur, ...p } as Settings;
        if (p.schedule && JSON.stringify(p.schedule) !== JSON.stringify(cur.schedule)) next.scheduleSetAt = new Date(now()).toISOString();
        return next;
      });
    },
    setPause(until) {
      return commit((cur) => ({ ...cur, pausedUntil: until }));
    },
    setScheduleSetAt(iso) {
      return commit((cur) => ({ ...cur, scheduleSetAt: iso }));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get recovered() {
      return recovered;
    },
    get readOnly() {
      return readOnly ? { reason: readOnly.reason } : undefined;
    },
    close() {
      watcher?.close();
      watcher = null;
      polledAt = Number.POSITIVE_INFINITY;
    },
  };
  return self;
}
