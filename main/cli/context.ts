// What every CLI command shares: the global options, the streams it writes to, connecting to
// PiecesOS, and turning any error into one line (or one JSON object) and an exit code.
import { failureOf } from '../api/errors.js';
import { createClient } from '../api/client.js';
import { resolveBaseUrl, type UrlSource } from '../api/discovery.js';
import type { BackupsApi } from '../api/backups-api.js';
import { defaultConfigDir } from '../settings/paths.js';
import { savedPiecesOsUrl } from '../settings/saved-url.js';
import { exitCodeFor } from './exit-codes.js';
import { safeJson, visible } from '../shared/terminal-text.js';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** A terminal to draw progress bars on (stderr when it is a TTY), else undefined. */
  tty?: NodeJS.WriteStream;
  /** Where to read a person's answer (stdin), present only when stdin is a terminal; a function
   * so that stdin is not opened by commands that never ask. */
  terminalInput?: () => NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
}

export interface GlobalOptions {
  url?: string;
  json: boolean;
  /** Seconds: request timeout, and the longest silence allowed in a stream. */
  timeout: number;
  /** Whether --timeout was given (a non-streamed create waits longer by default). */
  timeoutGiven?: boolean;
  configDir?: string;
  /** Minutes without progress before a backup is judged stalled (--stall-minutes); see stall-minutes.ts. */
  stallMinutes?: number;
}

/** A mistake in how the command was called (exit 2). */
export class UsageError extends Error {}

/** A refusal that is not the server's, e.g. another process is already backing up, or the settings cannot be saved (exit 1). */
export class RefusedError extends Error {
  constructor(readonly kind: 'already-running' | 'read-only', message: string) {
    super(message);
  }
}

export function configDirOf(g: GlobalOptions): string {
  return g.configDir ?? defaultConfigDir();
}

export interface Connection {
  client: BackupsApi;
  url: string;
  source: UrlSource;
  /** Where an explicit address came from. */
  given: 'flag' | 'settings' | null;
  version: string | null;
}

/** --url, else the URL saved in Settings (shared with the app and the daemon), else PIECES_OS_URL, else discovery. */
export async function connect(io: CliIO, g: GlobalOptions): Promise<Connection> {
  const ms = g.timeout * 1000;
  const saved = g.url === undefined ? savedPiecesOsUrl(configDirOf(g)) : null;
  const found = await resolveBaseUrl({ explicit: g.url ?? saved, env: io.env, timeoutMs: Math.min(ms, 2000) });
  const given = g.url !== undefined ? 'flag' : saved !== null ? 'settings' : null;
  return { ...found, given, client: createClient({ baseUrl: found.url, timeoutMs: ms, stallTimeoutMs: ms }) };
}

export function errorFields(e: unknown): { kind: string; message: string } {
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  if (e instanceof RefusedError) return { kind: e.kind, message: e.message };
  return failureOf(e);
}

/** Print the error the way the mode asks and return the exit code for it. */
export function reportError(io: CliIO, g: Pick<GlobalOptions, 'json'>, e: unknown): number {
  const { kind, message } = errorFields(e);
  if (g.json) io.out(safeJson({ event: 'error', kind, message }) + '\n');
  else io.err(`pieces-backup: ${visible(message)}\n`);
  return exitCodeFor(kind);
}

