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
export function readText(res: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  return new Promise((resolve, reject) => {
    if (res.errored) return reject(res.errored);
    if (res.readableEnded) return resolve('');
    if (res.destroyed) return reject(prematureClose());
    const parts: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      res.off('data', onData);
      if (err !== null) return reject(err);
      // A single chunk needs no copy; otherwise one concat with the length already known.
      const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
      resolve(whole.toString('utf8', 0, Math.min(total, maxBytes)));
    };
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) {
        finish(null);
        // The rest is not wanted: drop it rather than pull it over the wire.
        res.destroy();
      }
    };
    res.on('data', onData);
    res.once('end', () => finish(null));
    res.once('error', (e) => finish(e));
    res.once('close', () => finish(res.readableEnded ? null : prematureClose()));
  });
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
