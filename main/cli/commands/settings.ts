// `pieces-backup settings [get [<key>]] | set <key> <value> | reset <key>`: the settings the app,
// the daemon and the CLI share, read and changed through the same store and validation as the
// window. Keys are the dotted paths of the settings schema (`schedule`, `retention.keepLast`, …);
// a running app or daemon on the same folder sees a change at once (the store watches the file).
import { z } from 'zod';
import type { CliIO, GlobalOptions } from '../context.js';
import { RefusedError, UsageError, configDirOf } from '../context.js';
import { openSettings, SettingsReadOnlyError, SettingsValidationError, type SettingsStore } from '../../settings/store.js';
import { DEFAULT_SETTINGS, settingsPatch, settingsSchema, type Settings, type SettingsPatch } from '../../settings/schema.js';
import { normalizeBaseUrl } from '../../api/base-url.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

export type SettingsAction = { action: 'get'; key?: string } | { action: 'set'; key: string; value: string } | { action: 'reset'; key: string };

/** Every key, in schema order: top-level values, and one level into the plain nested objects. */
export const SETTING_KEYS: readonly string[] = Object.entries(settingsSchema.shape).flatMap(([k, field]) =>
  field instanceof z.ZodObject ? Object.keys(field.shape).map((sub) => `${k}.${sub}`) : [k],
);

/** The leaves, and the nested objects as a whole (`retries`). */
const KNOWN_KEYS = new Set([...SETTING_KEYS, ...SETTING_KEYS.filter((k) => k.includes('.')).map((k) => k.split('.')[0] as string)]);

/** Keys the app sets itself (pause, when the schedule was set): shown, not changed here. */
const SETTABLE_TOP = new Set(Object.keys(settingsPatch.shape));

function valueAt(s: Settings, key: string): unknown {
  const [top, sub] = key.split('.') as [keyof Settings, string | undefined];
  const v = s[top];
  return sub === undefined ? v : (v as Record<string, unknown>)[sub];
}

function checkKey(key: string, forChange: boolean): void {
  if (!KNOWN_KEYS.has(key)) {
    const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
    throw new UsageError(`There is no setting "${shown}"; the settings are: ${SETTING_KEYS.join(', ')}.`);
  }
  const top = key.split('.')[0] as string;
  if (forChange && !SETTABLE_TOP.has(top)) {
    throw new UsageError(`${key} is kept by Pieces Backup itself${top === 'pausedUntil' ? ' (pause and resume set it)' : ''} and cannot be set here.`);
  }
}

/** JSON when it parses, else the text; a schedule given as text is a custom cron (or off/hourly). */
export function parseValue(key: string, text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = text;
  }
  if (key === 'schedule' && typeof v === 'string') return v === 'off' || v === 'hourly' ? { kind: v } : { kind: 'custom', cron: v };
  if (key === 'piecesOsUrl' && typeof v === 'string') return normalizeBaseUrl(v) ?? v; // a refused one keeps its text for the reason
  return v;
}

function patchFor(current: Settings, key: string, value: unknown): SettingsPatch {
  const [top, sub] = key.split('.') as [string, string | undefined];
  if (sub === undefined) return { [top]: value } as SettingsPatch;
  return { [top]: { ...(current[top as keyof Settings] as object), [sub]: value } } as SettingsPatch;
}

/** Tell a person (on stderr, so stdout stays data) when the settings were reset or cannot be saved. */
function sayState(io: CliIO, s: SettingsStore, readOnlyToo: boolean): void {
  if (s.recovered) io.err(`pieces-backup: ${visible(s.recovered.reason)}\n`);
  if (s.readOnly && readOnlyToo) io.err(`pieces-backup: ${visible(s.readOnly.reason)}\n`);
}

const line = (key: string, value: unknown) => `${key} = ${safeJson(value)}\n`;

export async function settingsCommand(io: CliIO, g: GlobalOptions, a: SettingsAction): Promise<number> {
  if (a.key !== undefined) checkKey(a.key, a.action !== 'get');
  const store = openSettings({ configDir: configDirOf(g) });
  try {
    // A change refused as read-only says why itself.
    sayState(io, store, a.action === 'get');
    if (a.action === 'get') {
      const s = store.get();
      if (a.key === undefined) io.out(g.json ? safeJson(s) + '\n' : SETTING_KEYS.map((k) => line(k, valueAt(s, k))).join(''));
      else io.out(g.json ? safeJson(valueAt(s, a.key)) + '\n' : line(a.key, valueAt(s, a.key)));
      return 0;
    }
    const value = a.action === 'set' ? parseValue(a.key, a.value) : valueAt(DEFAULT_SETTINGS, a.key);
    let saved: Settings;
    try {
      saved = await store.update(patchFor(store.get(), a.key, value));
    } catch (e) {
      if (e instanceof SettingsValidationError) throw new UsageError(e.message);
      if (e instanceof SettingsReadOnlyError) throw new RefusedError('read-only', e.message);
      throw e;
    }
    const now = valueAt(saved, a.key);
    io.out(g.json ? safeJson({ key: a.key, value: now }) + '\n' : line(a.key, now));
    return 0;
  } finally {
    store.close();
  }
}
