// Reading and judging response bodies: bounded text reads, the server's own error message,
// JSON parsing and schema validation that end in one clear 'bad-response' sentence.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { BackupsApiError } from './errors.js';

/** A response that closed before its end: the same code Node gives a socket reset mid-body. */
export function prematureClose(): Error {
  return Object.assign(new Error('The connection closed before the response ended.'), { code: 'ECONNRESET' });
}

/**
 * Reads a body as text, stopping (and dropping the connection) after `maxBytes`. Chunks are
 * gathered as Buffers and decoded once: one concat, one toString, however big the list.
 */
export async function readText(res: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  return (await readBounded(res, maxBytes)).text;
}

/** Like readText, and says whether the body went on past `maxBytes` (the text then holds only the first `maxBytes`). */
function readBounded(res: IncomingMessage, maxBytes: number): Promise<{ text: string; overLimit: boolean }> {
  return new Promise((resolve, reject) => {
    if (res.errored) return reject(res.errored);
    if (res.readableEnded) return resolve({ text: '', overLimit: false });
    if (res.destroyed) return reject(prematureClose());
    const parts: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      res.off('data', onData);
      if (err !== null) return reject(err);
      try {
        // A single chunk needs no copy; otherwise one concat with the length already known.
        const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
        resolve({ text: whole.toString('utf8', 0, Math.min(total, maxBytes)), overLimit: total > maxBytes });
      } catch (e) {
        // ERR_STRING_TOO_LONG and the like must reach the caller, not escape from an event handler.
        reject(e);
      }
    };
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      total += chunk.length;
      if (total > maxBytes) {
        // The rest is not wanted: drop it rather than pull it over the wire.
        finish(null);
        res.destroy();
      }
    };
    res.on('data', onData);
    res.once('end', () => finish(null));
    res.once('error', (e) => finish(e));
    res.once('close', () => finish(res.readableEnded ? null : prematureClose()));
  });
}

/** Bytes as people read them: "512 bytes", "64 KiB", "128 MiB", "1.5 GiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

/**
 * Reads a JSON body as text, refusing one larger than `maxBytes` as 'bad-response' (`what`
 * names it in the sentence): at once when Content-Length says so, else as soon as the bytes
 * counted pass the limit. Either way the connection is dropped, so the rest is never pulled
 * over the wire and never held in memory.
 */
export async function readJsonBody(res: IncomingMessage, maxBytes: number, what: string): Promise<string> {
  const limit = `${formatBytes(maxBytes)} (the most this app reads)`;
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new BackupsApiError('bad-response', `PiecesOS sent ${what} of ${formatBytes(declared)}, larger than ${limit}, so it was not read; check that the address points to PiecesOS.`);
  }
  const body = await readBounded(res, maxBytes);
  if (body.overLimit) {
    throw new BackupsApiError('bad-response', `PiecesOS sent ${what} larger than ${limit}, so it stopped reading there; check that the address points to PiecesOS.`);
  }
  return body.text;
}

/** The server's own words from an error body: JSON `{message}` / `{error}` or plain text, trimmed and bounded. */
export function serverMessage(body: string, max = 300): string {
  let text = body.trim();
  if (text.startsWith('{') || text.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(text);
      const picked = pickMessage(v);
      if (picked !== null) text = picked;
    } catch {
      // Not JSON after all: show it as text.
    }
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function pickMessage(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return null;
  const rec = v as Record<string, unknown>;
  for (const key of ['message', 'error', 'detail', 'title']) {
    const field = rec[key];
    if (typeof field === 'string' && field.trim() !== '') return field;
    if (typeof field === 'object' && field !== null) {
      const inner = pickMessage(field);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** Parses JSON or throws 'bad-response' naming what was expected. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const head = text.replace(/\s+/g, ' ').trim().slice(0, 60);
    const shown = head === '' ? 'an empty body' : `"${head}${text.length > 60 ? '…' : ''}"`;
    throw new BackupsApiError('bad-response', `PiecesOS sent ${what} that is not JSON (${shown}); check that the address points to PiecesOS.`);
  }
}

/** Validates with a schema or throws 'bad-response' naming the first field zod complained about. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(the whole value)';
  const msg = issue ? issue.message : 'wrong shape';
  throw new BackupsApiError('bad-response', `PiecesOS sent ${what} in an unexpected shape (${path}: ${msg}); check that PiecesOS is up to date.`);
}
