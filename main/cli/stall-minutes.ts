// How long a backup may go on without progress (status and percentage unchanged) before it is
// judged stalled: --stall-minutes, else the `stallMinutes` saved in Settings (shared with the app
// and the daemon), else the default. Read from config.json directly, like the saved URL, so
// `create` neither opens nor migrates the settings store.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, settingsSchema } from '../settings/schema.js';
import { defaultConfigDir } from '../settings/paths.js';

/** Largest value the flag takes: the setting's own bound, one day. */
export const MAX_STALL_MINUTES = 1440;

export function savedStallMinutes(configDir: string): number | null {
  try {
    const raw = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { stallMinutes?: unknown };
    const v = settingsSchema.shape.stallMinutes.safeParse(raw.stallMinutes);
    return v.success ? v.data : null;
  } catch {
    return null; // no settings yet, or unreadable: the app reports a broken file when it opens it
  }
}

export function stallMinutesOf(g: { stallMinutes?: number; configDir?: string }): number {
  return g.stallMinutes ?? savedStallMinutes(g.configDir ?? defaultConfigDir()) ?? DEFAULT_SETTINGS.stallMinutes;
}
