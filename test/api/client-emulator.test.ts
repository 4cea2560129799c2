// The client against the PiecesOS emulator over loopback: every call, every framing, one test per fault.
import { test, after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '../../main/api/client.js';
import { probe } from '../../main/api/discovery.js';
import type { BackupProgress } from '../../main/api/wire.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { rejectsKind } from '../helpers/api-errors.js';

let dir = '';
let emu: RunningEmulator;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'api-emu-'));
  emu = await startEmulator({ dataDir: dir, log: () => {}, deviceName: 'test-box', platform: 'LINUX' });
});

after(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

/** The emulator runs one backup at a time and notices a client leaving asynchronously: wait until it is idle. */
async function idle(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const state = (await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean };
    if (!state.busy) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the emulator stayed busy for 2 s');
}

beforeEach(idle);

const client = (opts: { stallTimeoutMs?: number } = {}) => createClient({ baseUrl: emu.url, timeoutMs: 5000, stallTimeoutMs: opts.stallTimeoutMs ?? 5000 });


test('the emulator passes the discovery probe', async () => {
  const r = await probe(emu.url, { timeoutMs: 2000 });
  assert.equal(r.ok, true);
  assert.ok(r.version && r.version.length > 0);
});

test('create, list and delete round-trip', async () => {
  emu.setFaults({});
  const c = client();
  const made = await c.create();
  assert.equal(made.deviceName, 'test-box');
  assert.ok(made.bytes > 0);
  const list = await c.list();
  assert.ok(list.some((b) => b.id === made.id));
  await c.delete(made.id, made);
  assert.equal((await c.list()).some((b) => b.id === made.id), false);
});

for (const framing of ['ndjson', 'sse', 'concat'] as const) {
  test(`createStreamed in ${framing} framing reports progress and returns the new backup`, async () => {
    emu.setFaults({});
    emu.setFraming(framing);
    const c = client();
    const seen: BackupProgress[] = [];
    const b = await c.createStreamed({ onProgress: (p) => seen.push(p) });
    assert.ok(b, 'the completed value carried the backup');
    assert.equal(seen[0]?.status, 'INITIALIZED');
    assert.equal(seen.at(-1)?.status, 'COMPLETED');
    assert.equal(seen.at(-1)?.backup?.id, b.id);
    assert.ok((await c.list()).some((x) => x.id === b.id));
  });
}

test('a 10,000 backup list arrives validated and newest first', async () => {
  emu.setFaults({});
  await emu.seed(10_000, { startDate: new Date('2020-01-01T00:00:00Z') });
  const list = await client().list();
  assert.ok(list.length >= 10_000);
  for (let i = 1; i < list.length; i++) assert.ok(Date.parse(list[i - 1]?.created ?? '') >= Date.parse(list[i]?.created ?? ''));
});

test('delete with a weird id reaches the emulator as one segment', async () => {
  emu.setFaults({});
  const weird = 'a/b?c#d%e f ü';
  // The emulator decodes the single segment and answers 404 naming exactly that id.
  await rejectsKind(client().delete(weird), 'http', new RegExp(`404: There is no backup with id "a/b\\?c#d%e f ü"`));
});

test('fault notSignedIn: not-signed-in', async () => {
  emu.setFaults({ notSignedIn: true });
  const e = await rejectsKind(client().list(), 'not-signed-in', /sign in/i);
  assert.equal(e.status, 401);
  await rejectsKind(client().createStreamed(), 'not-signed-in');
});

test('fault serverError: http 500 with the server message', async () => {
  emu.setFaults({ serverError: true });
  const e = await rejectsKind(client().list(), 'http', /HTTP 500: PiecesOS hit an internal error/);
  assert.equal(e.status, 500);
});

test('fault malformed: bad-response for the list, the single create and the stream', async () => {
  emu.setFaults({ malformed: true });
  emu.setFraming('ndjson');
  await rejectsKind(client().list(), 'bad-response', /not JSON/);
  await rejectsKind(client().create(), 'bad-response', /bytes/);
  await rejectsKind(client().createStreamed(), 'bad-response', /not valid JSON/);
});

for (const framing of ['ndjson', 'sse', 'concat'] as const) {
  test(`fault failAtPercent (${framing}): backup-failed`, async () => {
    emu.setFaults({ failAtPercent: 0 });
    emu.setFraming(framing);
    await rejectsKind(client().createStreamed(), 'backup-failed', /failed/);
  });
}

test('fault dropAtPercent: connection-lost', async () => {
  emu.setFaults({ dropAtPercent: 0 });
  emu.setFraming('ndjson');
  await rejectsKind(client().createStreamed(), 'connection-lost');
});

test('fault stallAtPercent: stalled', async () => {
  emu.setFaults({ stallAtPercent: 0 });
  emu.setFraming('sse');
  await rejectsKind(client({ stallTimeoutMs: 300 }).createStreamed(), 'stalled', /sent nothing for 300 ms/);
});

test('abort through the signal during a stalled stream: canceled', async () => {
  emu.setFaults({ stallAtPercent: 0 });
  emu.setFraming('ndjson');
  const ctl = new AbortController();
  const p = client().createStreamed({ signal: ctl.signal, onProgress: () => ctl.abort() });
  await rejectsKind(p, 'canceled');
  emu.setFaults({});
});
