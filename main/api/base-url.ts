// What counts as a PiecesOS address, in one place: the settings schema, discovery and the CLI all
// use it. Pure (no Node, no zod), so any layer may import it.

/** Validates and normalises a base URL (no trailing slash); null when it is not a plain http(s) address. */
export function normalizeBaseUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.search !== '' || u.hash !== '') return null;
  return u.toString().replace(/\/+$/, '');
}

export const BASE_URL_HINT = 'a full http:// or https:// address without ?query or #fragment, e.g. http://127.0.0.1:39300';
