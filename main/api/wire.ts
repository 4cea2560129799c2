// Wire models of PiecesOS's Backups API (snake_case on the wire, see shared/reference/wire-format.md)
// and their camelCase domain forms. Every response is validated here: unknown fields are dropped,
// unknown enum values become UNKNOWN, anything else malformed is a schema error.
import { z } from 'zod';

export const BACKUP_STATUSES = ['UNKNOWN', 'INITIALIZED', 'IN-PROGRESS', 'COMPLETED', 'FAILED', 'CANCELED', 'RESET'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<BackupStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

export const PLATFORMS = ['UNKNOWN', 'WEB', 'MACOS', 'LINUX', 'WINDOWS', 'FUCHSIA', 'IOS', 'ANDROID'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** An enum that tolerates values it does not know: they map to UNKNOWN instead of failing. */
function lenientEnum<T extends readonly [string, ...string[]]>(values: T) {
  const known = new Set<string>(values);
  return z.string().transform((v) => (known.has(v) ? v : 'UNKNOWN') as T[number]);
}

export const wireGroupedTimestamp = z.object({
  value: z.string(),
  readable: z.string().optional(),
});

export const wireBackup = z.object({
  id: z.string(),
  version: z.string(),
  timestamp: z.string(),
  bytes: z.number(),
  created: wireGroupedTimestamp,
  device_name: z.string(),
  platform: lenientEnum(PLATFORMS),
});
export type WireBackup = z.input<typeof wireBackup>;

export const wireBackups = z.object({
  iterable: z.array(wireBackup),
});

/**
 * A percentage as the app uses it: clamped to 0–100; a non-finite number (JSON.parse turns
 * `1e400` into Infinity, which z.number() refuses) or null means "no percentage". Anything
 * that is not a number at all is still a schema error.
 */
export const wirePercentage = z
  .custom<number | null>((v) => v === null || typeof v === 'number', { message: 'Invalid input: expected a number or null' })
  .transform((v) => (v !== null && Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : null));

export const wireStreamedProgress = z.object({
  status: lenientEnum(BACKUP_STATUSES).optional(),
  percentage: wirePercentage.optional(),
  backup: wireBackup.optional(),
});

/** One run in a BackupsStreamedProgress: a BackupStreamedProgress, validated like the streamed create's. */
const wireRunProgress = wireStreamedProgress;

/**
 * BackupsStreamedProgress (the WebSocket `/backups/streamed/progress`): every backup and restore in
 * progress, whoever started it. Both lists are optional; a missing one means none of that kind.
 */
export const wireBackupsStreamedProgress = z.object({
  backups: z.array(wireRunProgress).nullable().optional(),
  restorations: z.array(wireRunProgress).nullable().optional(),
});

/** BackupStatus (`GET /backup/{id}/creation/status` and the restore twin), same percentage rule. */
export const wireBackupStatus = z.object({
  value: lenientEnum(BACKUP_STATUSES).optional(),
  percentage: wirePercentage.optional(),
  backup: wireBackup,
});

/** OSDeviceInformationReturnable: only what the app uses; `hardware` and `dependencies` are ignored. */
export const wireDeviceInformation = z.object({
  name: z.string().nullable().optional(),
  version: z.string().nullable().optional(),
});

/** A backup as the app uses it. `created` is the ISO 8601 date-time the server sent. */
export interface Backup {
  id: string;
  version: string;
  timestamp: string;
  bytes: number;
  created: string;
  createdReadable?: string;
  deviceName: string;
  platform: Platform;
}

/** One value of the streamed create. */
export interface BackupProgress {
  status: BackupStatus;
  percentage: number | null;
  backup?: Backup;
  /** The backup being made, when the server names it while it runs (the emulator's extra `backup_id`). */
  backupId?: string;
}

export function fromWireBackup(w: z.output<typeof wireBackup>): Backup {
  const b: Backup = {
    id: w.id,
    version: w.version,
    timestamp: w.timestamp,
    bytes: w.bytes,
    created: w.created.value,
    deviceName: w.device_name,
    platform: w.platform,
  };
  if (w.created.readable !== undefined) b.createdReadable = w.created.readable;
  return b;
}

export function toWireBackup(b: Backup): WireBackup {
  return {
    id: b.id,
    version: b.version,
    timestamp: b.timestamp,
    bytes: b.bytes,
    created: b.createdReadable === undefined ? { value: b.created } : { value: b.created, readable: b.createdReadable },
    device_name: b.deviceName,
    platform: b.platform,
  };
}

// Ordering lives in its own zod-free module so the renderer can share it.
export { createdMillis, sortNewestFirst } from './backup-order.js';
