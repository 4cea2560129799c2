// Where PiecesOS listens: an explicit setting wins, then PIECES_OS_URL, then a scan of the
// ports current (39300–39333) and older (1000, 5323) releases use on 127.0.0.1.
import { BackupsApiError } from './errors.js';
import { readText } from './response-body.js';
import { HttpTransport } from './http-transport.js';
import { checkBaseUrl } from './base-url.js';

export type UrlSource = 'setting' | 'env' | 'discovered';

export const DEFAULT_PORTS: readonly number[] = Array.from({ length: 34 }, (_, i) => 39300 + i);
export const LEGACY_PORTS: readonly number[] = [1000, 5323];

export { normalizeBaseUrl } from './base-url.js';

async function get(base: string, path: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; text: string } | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  const onAbort = () => ctl.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await new HttpTransport(base, { shared: true }).request({ method: 'GET', path, signal: ctl.signal });
    return { status: res.statusCode ?? 0, text: await readText(res, 4096) };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Is PiecesOS at `baseUrl`? Health must answer 200 with a body starting `ok`. Never throws. */
export async function probe(baseUrl: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ ok: boolean; version: string | null }> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const base = baseUrl.replace(/\/+$/, '');
  const health = await get(base, '/.well-known/health', timeoutMs, opts.signal);
  if (!health || health.status !== 200 || !health.text.trimStart().startsWith('ok')) return { ok: false, version: null };
  const v = await get(base, '/.well-known/version', timeoutMs, opts.signal);
  let version: string | null = null;
  if (v && v.status === 200) {
    const t = v.text.trim().replace(/^"(.*)"$/, '$1').trim();
    if (t !== '' && t.length <= 100) version = t;
  }
  return { ok: true, version };
}

/** The first port in `ports` (in list order) where PiecesOS answers; all probed at once. */
async function firstAnswering(host: string, ports: readonly number[], timeoutMs: number): Promise<{ url: string; version: string | null } | null> {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const urls = ports.map((p) => `http://${hostPart}:${p}`);
  const results = await Promise.all(urls.map((u) => probe(u, { timeoutMs })));
  const i = results.findIndex((r) => r.ok);
  const url = urls[i];
  return i >= 0 && url !== undefined ? { url, version: results[i]?.version ?? null } : null;
}

export interface ResolveOptions {
  explicit?: string | null;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Ports scanned first (default 39300–39333). */
  ports?: number[];
  /** Ports scanned when none of `ports` answers (default 1000, 5323). */
  fallbackPorts?: number[];
  host?: string;
  /** How the person can name the address where they are (CLI flags, or the app's Settings). */
  howToSetAddress?: string;
}

/** "39300–39333, 1000 or 5323" for the ports actually scanned. */
function describePorts(groups: ReadonlyArray<readonly number[]>): string {
  const parts = groups.filter((g) => g.length > 0).map((g) => {
    const sorted = [...g].sort((a, b) => a - b);
    const contiguous = sorted.length > 2 && sorted.every((p, i) => i === 0 || p === sorted[i - 1]! + 1);
    return contiguous ? `${sorted[0]}–${sorted.at(-1)}` : sorted.join(', ');
  });
  return parts.length === 0 ? 'no ports' : parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

export async function resolveBaseUrl(opts: ResolveOptions): Promise<{ url: string; source: UrlSource; version: string | null }> {
  if (opts.explicit != null && opts.explicit.trim() !== '') {
    const r = checkBaseUrl(opts.explicit);
    if (!r.ok) throw badAddress(opts.explicit, 'in Settings or with --url', r.reason);
    return { url: r.url, source: 'setting', version: null };
  }
  const fromEnv = (opts.env ?? process.env).PIECES_OS_URL;
  if (fromEnv != null && fromEnv.trim() !== '') {
    const r = checkBaseUrl(fromEnv);
    if (!r.ok) throw badAddress(fromEnv, 'in PIECES_OS_URL', r.reason);
    return { url: r.url, source: 'env', version: null };
  }
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 1000;
  for (const group of [opts.ports ?? DEFAULT_PORTS, opts.fallbackPorts ?? LEGACY_PORTS]) {
    if (group.length === 0) continue;
    const found = await firstAnswering(host, group, timeoutMs);
    if (found) return { url: found.url, source: 'discovered', version: found.version };
  }
  const groups = [opts.ports ?? DEFAULT_PORTS, opts.fallbackPorts ?? LEGACY_PORTS];
  const how = opts.howToSetAddress ?? 'give its address with --url or PIECES_OS_URL';
  throw new BackupsApiError('unreachable', `PiecesOS was not found on ${host} ports ${describePorts(groups)}. Start PiecesOS, or ${how}.`);
}

function badAddress(raw: string, where: string, reason: string): BackupsApiError {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return new BackupsApiError('unreachable', `The PiecesOS address "${shown}" ${where} cannot be used (${reason}); give one like http://127.0.0.1:39300.`);
}
