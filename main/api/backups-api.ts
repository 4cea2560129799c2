// The shape of a Backups API client. The engine, CLI and IPC handlers depend on this interface;
// `client.ts` implements it over HTTP. Every method rejects with a BackupsApiError only.
import type { Backup, BackupProgress } from './wire.js';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface StreamOptions extends CallOptions {
  /** Called for each progress value as it arrives (also repeats, nulls, RESETs). */
  onProgress?: (p: BackupProgress) => void;
}

export interface BackupsApi {
  readonly baseUrl: string;
  /** GET /backups, validated, newest first. */
  list(opts?: CallOptions): Promise<Backup[]>;
  /** POST /backups/create. */
  create(opts?: CallOptions): Promise<Backup>;
  /** POST /backups/create/streamed; resolves with the backup on COMPLETED. */
  createStreamed(opts?: StreamOptions): Promise<Backup>;
  /** POST /backups/{id}/delete, with the Backup as body when known. */
  delete(id: string, backup?: Backup, opts?: CallOptions): Promise<void>;
  /** Let go of idle connections (requests under way finish). */
  close?(): void;
}
