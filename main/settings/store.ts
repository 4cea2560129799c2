// The settings file every front end shares: `config.json` in the config folder, written through
// electron-store in the app and through conf (the library electron-store is built on) elsewhere,
// with the same schema, defaults and migrations. A broken file never stops the app: it is moved
// aside as `config.json.broken-<timestamp>` and the app starts on defaults, saying so.
import Conf from 'conf';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, settingsPatch, settingsSchema, type Settings, type SettingsPatch } from './schema.js';
import { migrate, SETTINGS_VERSION } from './migrations.js';
import { withFileLockSync } from '../engine/file-lock.js';
import { validateSchedule } from '../engine/schedule.js';

/** What openSettings needs of a store class: conf's and electron-store's constructors both fit. */
export type StoreClass = new (options: any) => { store: Record<string, unknown> };

export type PauseValue = string | 'resume' | null;

export interface SettingsStore {
  readonly path: string;
  get(): Settings;
  /** Validate and save a change; throws an Error with a clear message and writes nothing when invalid. */
  update(patch: SettingsPatch): Settings;
  /** Pause automatic backups until an ISO time, 'resume' (until resumed), or null (not paused). */
  setPause(until: PauseValue): Settings;
  /** Record when the schedule was set (catch-up's reference before the first successful backup). */
  setScheduleSetAt(iso: string): Settings;
  onChange(listener: (next: Settings, prev: Settings) => void): () => void;
  /** Set when the file was broken and the store started on defaults. */
  readonly recovered?: { brokenFile: string; reason: string };
}

export class SettingsValidationError extends Error {}

type Normalized = { ok: true; settings: Settings; changed: boolean } | { ok: false; reason: string };

const NESTED = ['retries', 'retention', 'notifications'] as const;

/** Migrate, fill missing keys from defaults, validate. */
function normalize(raw: unknown): Normalized {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'it does not hold a settings object' };
  const { data, from } = migrate(raw as Record<string, unknown>);
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...data };
  for (const k of NESTED) {
    const v = data[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) merged[k] = { ...DEFAULT_SETTINGS[k], ...(v as object) };
  }
  delete merged.version;
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  if (parsed.data.schedule.kind === 'custom') {
    const v = validateSchedule(parsed.data.schedule);
    if (!v.ok) return { ok: false, reason: v.message };
  }
  const changed = from !== SETTINGS_VERSION || JSON.stringify(parsed.data) !== JSON.stringify(stripVersion(data));
  return { ok: true, settings: parsed.data, changed };
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

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

export function openSettings(opts: { configDir: string; storeClass?: StoreClass; now?: () => number }): SettingsStore {
  const now = opts.now ?? Date.now;
  const dir = opts.configDir;
  const path = join(dir, 'config.json');
  const lockPath = `${path}.lock`;
  mkdirSync(dir, { recursive: true });

  let recovered: { brokenFile: string; reason: string } | undefined;
  let initial: Settings = structuredClone(DEFAULT_SETTINGS);
  let rewrite = !existsSync(path);
  if (!rewrite) {
    let result: Normalized;
    try {
      result = normalize(JSON.parse(readFileSync(path, 'utf8')));
    } catch (e) {
      result = { ok: false, reason: e instanceof SyntaxError ? `it is not valid JSON (${e.message})` : `it cannot be read (${(e as Error).message})` };
    }
    if (result.ok) {
      initial = result.settings;
      rewrite = result.changed;
    } else {
      const brokenFile = `${path}.broken-${stamp(new Date(now()))}`;
      try {
        renameSync(path, brokenFile);
      } catch {
        // Could not move it: defaults will overwrite it below, which is still better than not starting.
      }
      recovered = { brokenFile, reason: `The settings file was broken (${result.reason}); Pieces Backup started on default settings and kept the broken file as ${brokenFile}.` };
      rewrite = true;
    }
  }

  const Store: StoreClass = opts.storeClass ?? (Conf as unknown as StoreClass);
  const store = new Store({
    cwd: dir,
    configName: 'config',
    name: 'config', // electron-store's spelling of configName
    projectName: 'pieces-backup',
    projectSuffix: '',
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
  });
  const write = (s: Settings) => {
    store.store = { version: SETTINGS_VERSION, ...s };
  };
  if (rewrite) write(initial);

  let last: Settings = initial;
  const listeners = new Set<(next: Settings, prev: Settings) => void>();

  // Another process (daemon, CLI, the app) may change the file, so reads check it; but the engine
  // asks on every progress value, so the file is parsed and validated again only when its
  // identity, size or modification time changed (one stat otherwise).
  let seen = '';
  const signature = (): string => {
    try {
      const st = statSync(path);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  };
  const get = (): Settings => {
    const sig = signature();
    if (sig !== seen || sig === 'missing') {
      let raw: unknown;
      try {
        raw = store.store;
      } catch {
        return structuredClone(last);
      }
      const n = normalize(raw);
      if (n.ok) last = n.settings;
      seen = sig;
    }
    return structuredClone(last);
  };

  const commit = (mutate: (current: Settings) => Settings): Settings => {
    let prev: Settings = last;
    const next = withFileLockSync(lockPath, () => {
      prev = get();
      const candidate = mutate(prev);
      const checked = settingsSchema.safeParse(candidate);
      if (!checked.success) throw new SettingsValidationError(`Settings not saved: ${describeIssues(checked.error.issues)}.`);
      write(checked.data);
      last = checked.data;
      return checked.data;
    });
    if (JSON.stringify(next) !== JSON.stringify(prev)) {
      for (const l of listeners) {
        try {
          l(structuredClone(next), prev);
        } catch {
          // A listener's bug must not undo a saved setting.
        }
      }
    }
    return structuredClone(next);
  };

  const self: SettingsStore = {
    path,
    get,
    update(patch) {
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
  };
  if (recovered) (self as { recovered?: typeof recovered }).recovered = recovered;
  return self;
}
