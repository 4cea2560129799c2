// The shape of a Backups API client. The engine, CLI and IPC handlers depend on this interface;
// `client.ts` implements it over HTTP. Every method rejects with a BackupsApiError only.
import type { Backup, BackupProgress, BackupStatus } from './wire.js';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface StreamOptions extends CallOptions {
  /** Called for each progress value as it arrives (also repeats, nulls, RESETs). */
  onProgress?: (p: BackupProgress) => void;
  /** End the run as 'stalled' when status and percentage stay unchanged this long (ms; 0 turns
   * it off). Overrides the client's own setting (default 10 minutes) for this call. */
  noProgressTimeoutMs?: number;
}

/** This machine as PiecesOS sees it (GET /os/device/information); `name` is the device name it
 * puts on this machine's backups, null when it did not say. */
export interface DeviceInformation {
  name: string | null;
  version: string | null;
}

/** Where a backup being made, or a restore, stands (BackupStatus on the wire: `value` → status). */
export interface StatusInfo {
  status: BackupStatus;
  percentage: number | null;
  backup: Backup;
}

export interface BackupsApi {
  readonly baseUrl: string;
  /** GET /backups, validated, newest first. */
  list(opts?: CallOptions): Promise<Backup[]>;
  /** POST /backups/create. */
  create(opts?: CallOptions): Promise<Backup>;
  /** POST /backups/create/streamed; resolves on COMPLETED with the backup it carried, or null
   * when PiecesOS did not say which backup it made (never guessed from the list). */
  createStreamed(opts?: StreamOptions): Promise<Backup | null>;
  /** GET /os/device/information. */
  deviceInformation(opts?: CallOptions): Promise<DeviceInformation>;
  /** POST /backups/{id}/delete, with the Backup as body when known. */
  delete(id: string, backup?: Backup, opts?: CallOptions): Promise<void>;
  /** GET /backup/{id}: one backup's metadata (404 → kind 'http', status 404). */
  get(id: string, opts?: CallOptions): Promise<Backup>;
  /** POST /backup/{id}/restore: replaces the local Pieces database with that backup; answers when done.
   * Aborting `signal` cancels as restoreStreamed does. */
  restore(id: string, backup?: Backup, opts?: CallOptions): Promise<Backup>;
  /** POST /backup/{id}/restore/streamed: the same with progress (framings, stall and no-progress timers
   * as createStreamed). Resolves on COMPLETED with the backup it carried, else null. Aborting `signal`
   * first sends POST /backup/{id}/restoration/cancel, then closes the stream, and rejects with kind
   * 'canceled' whose `cancelConfirmed` says whether PiecesOS confirmed (a 2xx answer, or CANCELED in
   * the stream). A restore that COMPLETED while the cancel was on its way resolves: it is in place. */
  restoreStreamed(id: string, backup?: Backup, opts?: StreamOptions): Promise<Backup | null>;
  /** GET /backup/{id}/restoration/status. */
  restorationStatus(id: string, opts?: CallOptions): Promise<StatusInfo>;
  /** POST /backup/{id}/restoration/cancel (PiecesOS answers 500 when no restore is in progress). */
  cancelRestoration(id: string, opts?: CallOptions): Promise<void>;
  /** GET /backup/{id}/creation/status. */
  creationStatus(id: string, opts?: CallOptions): Promise<StatusInfo>;
  /** POST /backup/{id}/creation/cancel (500 when none is in progress). */
  cancelCreation(id: string, opts?: CallOptions): Promise<void>;
  /** Let go of idle connections (requests under way finish). */
  close?(): void;
}
