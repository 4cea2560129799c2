// Reading and judging response bodies: bounded text reads, the server's own error message,
// JSON parsing and schema validation that end in one clear 'bad-response' sentence.
import type { z } from 'zod';
import { BackupsApiError } from './errors.js';

/** Reads a body as text, stopping (and discarding the rest) after `maxBytes`. */
export async function readText(res: Response, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  if (res.body === null) return '';
  // Unbounded: let undici gather the body in one go (faster than chunk-by-chunk for big lists).
  if (maxBytes === Number.POSITIVE_INFINITY) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      parts.push(decoder.decode(value, { stream: true }));
      if (total >= maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  parts.push(decoder.decode());
  return parts.join('');
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
