// The one IPC contract: every channel between main and renderer, with its payload types.
// Main validates each request payload against `requestSchemas` (the renderer is untrusted);
// preload and renderer import only the names and types (type imports are erased from bundles).
import { z } from 'zod';
import { scheduleSpec, retentionPolicy, settingsPatch } from '../settings/schema.js';
import type { Settings, ScheduleSpec } from '../settings/schema.js';
import type { Backup } from '../api/wire.js';
import type { ConnectionInfo, EngineState, HistoryEntry, RunError } from '../engine/types.js';

/** Request payload schemas, one per invoke channel. */
export const requestSchemas = {
  'app:snapshot': z.undefined(),
  'backups:list': z.undefined(),
  'backups:create': z.undefined(),
  'backups:delete': z.object({ id: z.string().min(1).max(1000) }).strict(),
  /** Restore a backup over this computer's Pieces data, after a safety backup when asked. */
  'backups:restore': z.object({ id: z.string().min(1).max(1000), safetyBackup: z.boolean() }).strict(),
  /** Cancel the backup or restore this app is running (through PiecesOS). */
  'run:cancel': z.undefined(),
  'history:list': z.undefined(),
  'settings:update': settingsPatch,
  'schedule:preview': scheduleSpec,
  'retention:preview': retentionPolicy,
  'pause:set': z.object({ until: z.enum(['1h', 'tomorrow', 'resume']) }).strict(),
  'pause:resume': z.undefined(),
  'connection:check': z.undefined(),
} as const;

export type InvokeChannel = keyof typeof requestSchemas;
export const INVOKE_CHANNELS = Object.keys(requestSchemas) as InvokeChannel[];

/** Everything the window needs at once when it opens. */
export interface Snapshot {
  state: EngineState;
  connection: ConnectionInfo;
  settings: Settings;
  backups: Backup[] | null;
  backupsError: RunError | null;
  /** When `backups` was read from PiecesOS (ISO 8601); null before the first successful list. The
   * snapshot answers with the cached list at once; a window then asks backups:list for a fresh one. */
  backupsUpdatedAt: string | null;
  history: HistoryEntry[];
  /** This computer's device name, the engine's device identity (main/engine/device-identity.ts):
   * the name PiecesOS gives this machine, else the one on a backup made here; null while unknown.
   * The window marks "This computer" and filters by it. */
  thisDevice: string | null;
}

export interface SchedulePreview {
  valid: boolean;
  /** "Every day at 12:00", or the reason it is invalid. */
  description: string;
  /** ISO times of the next three runs (empty when off or invalid). */
  nextRuns: string[];
  /** A remark beside a valid schedule (e.g. "Runs more often than once an hour: …"), if any. */
  note?: string;
}

export interface InvokeResponses {
  'app:snapshot': Snapshot;
  'backups:list': Backup[];
  'backups:create': { started: true };
  /** `alreadyDeleted`: PiecesOS no longer had it (HTTP 404): deleted elsewhere meanwhile. */
  'backups:delete': { deleted: string; alreadyDeleted: boolean };
  'backups:restore': { started: true };
  'run:cancel': { canceled: boolean };
  'history:list': HistoryEntry[];
  'settings:update': Settings;
  'schedule:preview': SchedulePreview;
  'retention:preview': RetentionPreview;
  'pause:set': EngineState;
  'pause:resume': EngineState;
  'connection:check': ConnectionInfo;
}

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof requestSchemas)[C]>;
export type InvokeResponse<C extends InvokeChannel> = InvokeResponses[C];

/** The dry run of a retention policy: the very plan a backup run or `prune` would carry out now. */
export interface RetentionPreview {
  wouldDelete: Backup[];
  /** The device name taken as this computer's; null while it is not known. */
  thisDevice: string | null;
  /** Why nothing would be deleted by rule (e.g. this computer is not known yet); null otherwise. */
  skipped: string | null;
  /** Kept because dated more than 5 minutes in the future. */
  futureDated: Backup[];
  /** What the next backup's retention will delete: `wouldDelete` as planned once that backup exists
   * (it counts among the newest kept), newest first. What Settings states. */
  afterNextBackup: Backup[];
}

/** Every invoke answers a Result, so errors cross IPC as data instead of as thrown strings. */
export type IpcError = { kind: RunError['kind'] | 'invalid-request' | 'unknown-channel'; message: string };
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Events main pushes to the renderer. Progress arrives in `event:state`, coalesced. */
export interface EventPayloads {
  'event:state': EngineState;
  'event:backups': Backup[];
  'event:history': HistoryEntry[];
  'event:settings': Settings;
  'event:connection': ConnectionInfo;
  /** Show one view of the window (the tray's "Open Backups…" / "Settings…" on an open window). */
  'event:navigate': { view: WindowView };
}
export type EventChannel = keyof EventPayloads;
export const EVENT_CHANNELS: EventChannel[] = ['event:state', 'event:backups', 'event:history', 'event:settings', 'event:connection', 'event:navigate'];

/** The window's views; also its URL fragment (index.html#settings). */
export type WindowView = 'backups' | 'history' | 'settings';

/** The API the preload exposes as `window.piecesBackup` (and the preview bridge imitates). */
export interface PiecesBackupBridge {
  invoke<C extends InvokeChannel>(channel: C, ...payload: InvokeRequest<C> extends undefined ? [] : [InvokeRequest<C>]): Promise<Result<InvokeResponse<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

export const BRIDGE_GLOBAL = 'piecesBackup';

export type { Settings, ScheduleSpec, Backup, ConnectionInfo, EngineState, HistoryEntry };
