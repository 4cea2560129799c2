// What counts as a PiecesOS address, in one place: the settings schema, discovery, the CLI and the
// window all use it. Pure (no Node, no zod), so any layer may import it.
//
// PiecesOS listens on loopback only, so an address elsewhere is a mistake or an attempt to send
// backup commands (and the data they move) to another machine: only this machine is accepted.

export const MAX_BASE_URL_LENGTH = 2048;

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** localhost, 127.0.0.0/8 or [::1]. The URL parser has already normalised the host
 * (lower case, `127.1` → `127.0.0.1`, `[0:0::1]` → `[::1]`). */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A bare host with an optional port and path ("localhost:39300", "127.0.0.1", "[::1]:39300"),
 * which people type without the scheme. Anything else keeps its own scheme (file:, javascript:, …)
 * and is judged as written. */
const BARE_HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d+)?(\/.*)?$/i;

/** Validates and normalises a base URL (no trailing slash), or says why it is not acceptable.
 * `localhost:39300` is taken as `http://localhost:39300`. */
export function checkBaseUrl(raw: string): BaseUrlCheck {
  const trimmed = raw.trim();
  const text = !trimmed.includes('://') && BARE_HOST.test(trimmed) ? `http://${trimmed}` : trimmed;
  if (text.length > MAX_BASE_URL_LENGTH) return { ok: false, reason: `it is longer than ${MAX_BASE_URL_LENGTH.toLocaleString('en-US')} characters` };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: 'it is not a URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: 'it is not an http:// or https:// address' };
  if (u.search !== '' || u.hash !== '') return { ok: false, reason: 'it has a ?query or #fragment' };
  if (u.username !== '' || u.password !== '') return { ok: false, reason: 'it holds a user name or password, which PiecesOS does not use' };
  if (!isLoopback(u.hostname)) return { ok: false, reason: `PiecesOS listens on this machine only (loopback), so the host must be localhost, 127.x.x.x or [::1], not ${u.hostname}` };
  const url = u.toString().replace(/\/+$/, '');
  if (url.length > MAX_BASE_URL_LENGTH) return { ok: false, reason: `it is longer than ${MAX_BASE_URL_LENGTH.toLocaleString('en-US')} characters` };
  return { ok: true, url };
}

/** The normalised URL, or null when checkBaseUrl refuses it. */
export function normalizeBaseUrl(raw: string): string | null {
  const r = checkBaseUrl(raw);
  return r.ok ? r.url : null;
}

export const BASE_URL_HINT = 'an http:// or https:// address on this machine (localhost, 127.x.x.x or [::1]) without ?query, #fragment or user name, e.g. http://127.0.0.1:39300';
