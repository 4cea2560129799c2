// The shape of a Backups API client. The engine, CLI and IPC handlers depend on this interface;
// `client.ts` implements it over HTTP. Every method rejects with a BackupsApiError only.
import type { Backup, BackupProgress } from './wire.js';

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
  /** Let go of idle connections (requests under way finish). */
  close?(): void;
}
