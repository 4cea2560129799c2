// Shared by the emulator tests: temp dirs, a small known source folder, an emulator that is
// always closed, and a reader for the streamed create in each framing.
import type { TestContext } from 'node:test';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as tar from 'tar';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import type { EmulatorOptions, Framing, RunningEmulator } from '../../emulator/types.js';

export async function tempDir(t: TestContext, prefix = 'emu-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A small source folder with known content (about 300 KB, in a subfolder too). */
export async function makeSource(root: string): Promise<{ dir: string; files: string[] }> {
  const dir = path.join(root, 'source');
  await mkdir(path.join(dir, 'nested'), { recursive: true });
  const files = ['a.txt', 'nested/b.json', 'nested/c.bin'];
  await writeFile(path.join(dir, 'a.txt'), 'hello pieces\n'.repeat(10_000));
  await writeFile(path.join(dir, 'nested/b.json'), JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ i, name: `item ${i}` })) }));
  await writeFile(path.join(dir, 'nested/c.bin'), Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251)));
  return { dir, files };
}

export interface Started {
  emu: RunningEmulator;
  dataDir: string;
  logs: string[];
}

/** Starts an emulator on a free port with its own temp data dir (unless given); closed after the test. */
export async function start(t: TestContext, opts: Partial<EmulatorOptions> = {}): Promise<Started> {
  const dataDir = opts.dataDir ?? (await tempDir(t));
  const logs: string[] = [];
  const emu = await startEmulator({ log: (l) => logs.push(l), ...opts, dataDir });
  t.after(() => emu.close());
  return { emu, dataDir, logs };
}

/** Splits a complete streamed body into its raw values per framing (broken values kept as text). */
export function splitFramed(text: string, framing: Framing): string[] {
  if (framing === 'ndjson') return text.split('\n').filter((l) => l.trim() !== '');
  if (framing === 'sse') {
    return text.split('\n\n').filter((e) => e.trim() !== '').map((e) => e.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n'));
  }
  // concat: values back to back; find each top-level {...} by brace depth, outside strings.
  const out: string[] = [];
  let depth = 0, inString = false, escaped = false, startAt = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) startAt = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(text.slice(startAt, i + 1));
    }
  }
  return out;
}

export interface StreamResult {
  status: number;
  contentType: string | null;
  raw: string;
  chunks: number;
  values: string[];
  /** true when the body ended with an error (connection dropped) instead of normally. */
  broken: boolean;
}

/** POSTs the streamed create (or another streamed route) and reads the body to its end (or until `signal` aborts). */
export async function readStreamed(url: string, framing: Framing, signal?: AbortSignal, route = '/backups/create/streamed'): Promise<StreamResult> {
  const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', ...(signal ? { signal } : {}) });
  const decoder = new TextDecoder();
  let raw = '', chunks = 0, broken = false;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks++;
      raw += decoder.decode(chunk, { stream: true });
    }
  } catch {
    broken = true;
  }
  raw += decoder.decode();
  return { status: res.status, contentType: res.headers.get('content-type'), raw, chunks, values: res.status === 200 ? splitFramed(raw, framing) : [], broken };
}

export async function post(url: string, body?: unknown): Promise<{ status: number; text: string; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Waits (bounded) until `check` holds, polling quickly; for states reached over the network. */
export async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every file under `dir` ('/'-separated relative path → content, base64), folders as "<dir>". */
export async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        out[relPath] = '<dir>';
        await walk(relPath);
      } else {
        out[relPath] = (await readFile(path.join(dir, relPath))).toString('base64');
      }
    }
  };
  await walk('');
  return out;
}

/** What a tar.gz holds, in the shape of filesOf(). */
export async function archiveFilesOf(file: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await tar.t({
    file,
    onReadEntry: (e) => {
      const p = e.path.replace(/\/+$/, '');
      if (e.type === 'Directory') {
        out[p] = '<dir>';
        return;
      }
      const parts: Buffer[] = [];
      e.on('data', (c: Buffer) => parts.push(c));
      e.on('end', () => (out[p] = Buffer.concat(parts).toString('base64')));
    },
  });
  return out;
}
