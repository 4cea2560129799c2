// The PiecesOS URL saved in Settings, read without opening the settings store: for callers that
// only need the address (the CLI's list/create/delete, `npm start`) and must not touch the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeBaseUrl } from '../api/base-url.js';

/**
 * null: auto-discover, or no readable settings (the app reports a broken file when it opens it).
 * An address that is no longer accepted (e.g. not on this machine) is returned as written, so the
 * caller refuses it with the reason instead of silently discovering another PiecesOS.
 */
export function savedPiecesOsUrl(configDir: string): string | null {
  try {
    const raw = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { piecesOsUrl?: unknown };
    return typeof raw.piecesOsUrl === 'string' ? (normalizeBaseUrl(raw.piecesOsUrl) ?? raw.piecesOsUrl) : null;
  } catch {
    return null;
  }
}
