// Main-process answers to every invoke channel of the IPC contract. Payloads come from an
// untrusted renderer: each is validated with the contract's zod schema; nothing here throws.
import { INVOKE_CHANNELS, requestSchemas, type InvokeChannel, type IpcError, type Result } from './contract.js';
import type { ConnectionInfo, Snapshot, SchedulePreview } from './contract.js';
import type { BackupEngine } from '../engine/engine.js';
import type { SettingsStore } from '../settings/store.js';
import type { HistoryStore } from '../engine/history.js';
import type { BackupsApi } from '../api/backups-api.js';
import type { Backup } from '../api/wire.js';
import type { RunError } from '../engine/types.js';
import { failureOf, isApiError } from '../api/errors.js';
import { describeSchedule, nextRuns, scheduleNote, validateSchedule } from '../engine/schedule.js';
import { deletedAfterNextBackup } from '../engine/next-backup-plan.js';
import type { ScheduleSpec } from '../settings/schema.js';
import { SettingsReadOnlyError, SettingsValidationError } from '../settings/store.js';

export interface HandlerContext {
  engine: BackupEngine;
  settings: SettingsStore;
  history: HistoryStore;
  api(): Promise<BackupsApi>;
  snapshot(): Promise<Snapshot>;
  checkConnection(): Promise<ConnectionInfo>;
  now(): number;
  /** Tell listeners, and the other processes on the settings folder, that the backup list changed (after a delete). */
  backupsChanged?(): void;
  /** List the backups again through the core's one coalesced refresh (listeners get event:backups). */
  refreshBackups?(): Promise<{ ok: true; backups: Backup[] } | { ok: false; error: RunError }>;
}

class HandlerError extends Error {
  constructor(readonly kind: IpcError['kind'], message: string) {
    super(message);
  }
}

/** Run a change of the settings, telling a rejected value from settings that cannot be saved. */
async function saving<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // Only a rejected value is the request's fault; a read-only, locked or unwritable file is ours.
    if (e instanceof SettingsValidationError) throw new HandlerError('invalid-request', e.message);
    if (e instanceof SettingsReadOnlyError) throw new HandlerError('internal', e.message);
    throw new HandlerError('internal', `Settings could not be saved (${(e as Error).message}); try again.`);
  }
}

export function schedulePreview(spec: ScheduleSpec, now: Date): SchedulePreview {
  const v = validateSchedule(spec);
  if (!v.ok) return { valid: false, description: v.message, nextRuns: [] };
  const note = scheduleNote(spec);
  return { valid: true, description: describeSchedule(spec), nextRuns: nextRuns(spec, now, 3).map((d) => d.toISOString()), ...(note ? { note } : {}) };
}

type Handler = (ctx: HandlerContext, payload: any) => Promise<unknown>;

export const INVOKE_HANDLERS: Record<InvokeChannel, Handler> = {
  'app:snapshot': (ctx) => ctx.snapshot(),
  'backups:list': async (ctx) => {
    if (!ctx.refreshBackups) return (await ctx.api()).list();
    const r = await ctx.refreshBackups();
    if (!r.ok) throw new HandlerError(r.error.kind, r.error.message);
    return r.backups;
  },
  'backups:create': async (ctx) => {
    const r = ctx.engine.backupNow('manual');
    if (!r.started) {
      const restoring = ctx.engine.getState().running?.kind === 'restore';
      throw new HandlerError('already-running', restoring ? 'A restore is running; back up once it is done.' : 'A backup is already running; wait for it to finish.');
    }
    return { started: true };
  },
  'backups:restore': async (ctx, p: { id: string; safetyBackup: boolean }) => {
    const r = await ctx.engine.restore(p.id, { safetyBackup: p.safetyBackup });
    if (!r.started) throw new HandlerError(r.reason === 'already-running' ? 'already-running' : 'internal', r.message);
    // The outcome arrives as state, history and a notification; nothing waits on it here.
    r.done.catch(() => undefined);
    return { started: true };
  },
  'run:cancel': async (ctx) => ({ canceled: ctx.engine.cancel() }),
  'backups:delete': async (ctx, p: { id: string }) => {
    const api = await ctx.api();
    const known = (await api.list()).find((b) => b.id === p.id);
    let alreadyDeleted = false;
    try {
      await api.delete(p.id, known);
    } catch (e) {
      // Gone already (another app, device or retention run deleted it): what was asked is true.
      if (!isApiError(e) || e.kind !== 'http' || e.status !== 404) throw e;
      alreadyDeleted = true;
    }
    ctx.backupsChanged?.();
    return { deleted: p.id, alreadyDeleted };
  },
  'history:list': (ctx) => ctx.history.list(),
  'settings:update': (ctx, patch) => saving(() => ctx.settings.update(patch)),
  'schedule:preview': async (ctx, spec: ScheduleSpec) => schedulePreview(spec, new Date(ctx.now())),
  'retention:preview': async (ctx, policy) => {
    const plan = await ctx.engine.previewRetention(policy);
    const afterNextBackup = deletedAfterNextBackup(plan, policy, new Date(ctx.now()));
    return { wouldDelete: plan.delete, thisDevice: plan.thisDevice, skipped: plan.skipped, futureDated: plan.futureDated, afterNextBackup };
  },
  'pause:set': (ctx, p: { until: '1h' | 'tomorrow' | 'resume' }) => saving(() => ctx.engine.pause(p.until)),
  'pause:resume': (ctx) => saving(() => ctx.engine.resume()),
  'connection:check': (ctx) => ctx.checkConnection(),
};

/** Validate and answer one request as a Result. */
export async function handleInvoke(ctx: HandlerContext, channel: string, payload: unknown): Promise<Result<unknown>> {
  if (!(INVOKE_CHANNELS as string[]).includes(channel)) return { ok: false, error: { kind: 'unknown-channel', message: `There is no channel "${String(channel).slice(0, 100)}".` } };
  const ch = channel as InvokeChannel;
  const parsed = requestSchemas[ch].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { kind: 'invalid-request', message: `Bad request for ${ch}: ${where}${issue?.message ?? 'invalid payload'}.` } };
  }
  try {
    return { ok: true, value: await INVOKE_HANDLERS[ch](ctx, parsed.data) };
  } catch (e) {
    if (e instanceof HandlerError) return { ok: false, error: { kind: e.kind, message: e.message } };
    return { ok: false, error: failureOf(e) };
  }
}
