// The settings every front end shares (tray app, daemon, CLI): their schema and defaults.
// Validation lives here so the store, the IPC layer and the CLI agree on what is valid.
import { z } from 'zod';
import { checkBaseUrl, normalizeBaseUrl } from '../api/base-url.js';
import { EVERY_N_HOURS, EVERY_N_HOURS_WHY } from './every-n-hours.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM, 24-hour');

export { EVERY_N_HOURS, EVERY_N_HOURS_WHY };

export const scheduleSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('off') }),
  z.object({ kind: z.literal('hourly') }),
  z.object({ kind: z.literal('every-n-hours'), hours: z.number().int().refine((n) => (EVERY_N_HOURS as readonly number[]).includes(n), EVERY_N_HOURS_WHY) }),
  z.object({ kind: z.literal('daily'), time: hhmm }),
  /** day: 0 = Sunday … 6 = Saturday, as in cron. */
  z.object({ kind: z.literal('weekly'), day: z.number().int().min(0).max(6), time: hhmm }),
  /** 5 or 6 fields; validated further by the schedule module (node-cron). */
  z.object({ kind: z.literal('custom'), cron: z.string().min(1).max(200) }),
]);
export type ScheduleSpec = z.infer<typeof scheduleSpec>;

export const retentionPolicy = z.object({
  enabled: z.boolean(),
  /** Keep the newest N backups (null: no count rule). */
  keepLast: z.number().int().min(1).max(10_000).nullable(),
  /** Keep backups younger than D days (null: no age rule). */
  maxAgeDays: z.number().int().min(1).max(3650).nullable(),
  /** Whether backups made by other devices may be deleted. */
  includeOtherDevices: z.boolean(),
});
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

export const retryPolicy = z
  .object({
    /** Retries after the first failed attempt (0: none). */
    maxRetries: z.number().int().min(0).max(10),
    /** The first wait; each retry doubles it, up to maxDelaySeconds. */
    baseDelaySeconds: z.number().min(1).max(3600),
    maxDelaySeconds: z.number().min(1).max(86_400),
  })
  .refine((r) => r.baseDelaySeconds <= r.maxDelaySeconds, {
    message: 'baseDelaySeconds (the first wait) must not exceed maxDelaySeconds (the longest wait)',
    path: ['baseDelaySeconds'],
  });
export type RetryPolicy = z.infer<typeof retryPolicy>;

export const notificationPrefs = z.object({
  onFailure: z.boolean(),
  onSuccess: z.boolean(),
  afterCatchUp: z.boolean(),
});

export const settingsSchema = z.object({
  /** null: discover PiecesOS automatically. */
  piecesOsUrl: z
    .string()
    .superRefine((v, ctx) => {
      const r = checkBaseUrl(v);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: `this PiecesOS address cannot be used: ${r.reason}` });
    })
    // Saved as the rule normalises it ("localhost:39300" → "http://localhost:39300").
    .transform((v) => normalizeBaseUrl(v) ?? v)
    .nullable(),
  schedule: scheduleSpec,
  /** When the schedule was last changed (ISO 8601); catch-up's reference when there is no successful run yet. */
  scheduleSetAt: z.string().datetime({ offset: true }).nullable(),
  catchUp: z.boolean(),
  retries: retryPolicy,
  retention: retentionPolicy,
  notifications: notificationPrefs,
  startAtLogin: z.boolean(),
  /** Automatic backups paused until this ISO time; 'resume' = until resumed by hand; null = not paused. */
  pausedUntil: z.union([z.string().datetime({ offset: true }), z.literal('resume')]).nullable(),
  /** Minutes without progress (status and percentage unchanged) before a backup is judged stalled. */
  stallMinutes: z.number().int().min(1).max(1440),
  /** Back up the current data before a restore replaces it (the window's checkbox starts from this). */
  safetyBackupBeforeRestore: z.boolean(),
  /** Days without a successful backup before the app warns (or twice the schedule's interval when longer). */
  overdueDays: z.number().int().min(1).max(365),
});
export type Settings = z.infer<typeof settingsSchema>;

/** The part of the settings a front end may change (pause has its own calls). */
export const settingsPatch = settingsSchema.omit({ scheduleSetAt: true, pausedUntil: true }).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatch>;

export const DEFAULT_SETTINGS: Settings = {
  piecesOsUrl: null,
  schedule: { kind: 'daily', time: '12:00' },
  scheduleSetAt: null,
  catchUp: true,
  retries: { maxRetries: 3, baseDelaySeconds: 30, maxDelaySeconds: 900 },
  retention: { enabled: false, keepLast: null, maxAgeDays: null, includeOtherDevices: false },
  notifications: { onFailure: true, onSuccess: false, afterCatchUp: true },
  startAtLogin: false,
  pausedUntil: null,
  stallMinutes: 10,
  safetyBackupBeforeRestore: true,
  overdueDays: 3,
};
