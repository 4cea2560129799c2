// Errors said once (issue 11): what happened, then what to do; the server's own words at most
// once; no system error codes (ECONNREFUSED, ECONNRESET) in the sentence a person reads — they
// travel beside it as `detail`, for History's details and the log. Against real sockets and the
// emulator over loopback.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '../../main/api/client.js';
import { describeError } from '../../main/api/error-mapping.js';
import { BackupsApiError, failureOf } from '../../main/api/errors.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { freePort } from './http-fixture.js';

const CODES = /\b(?:E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/;
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'gi')) ?? []).length;

async function caught(p: Promise<unknown>): Promise<BackupsApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BackupsApiError, String(e));
    return e;
  }
  assert.fail('expected a rejection');
}

let dir = '';
let emu: RunningEmulator;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'error-words-'));
  emu = await startEmulator({ dataDir: dir, log: () => {} });
});
after(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

test('not signed in: said once, then what to do; the server\'s words only in the detail', async () => {
  emu.setFaults({ notSignedIn: true });
  try {
    const e = await caught(createClient({ baseUrl: emu.url, timeoutMs: 5000 }).list());
    assert.equal(e.kind, 'not-signed-in');
    assert.equal(e.message, 'PiecesOS refused the request because Pieces is not signed in or not connected to the Pieces cloud. Sign in to Pieces and connect to the cloud, then try again.');
    assert.equal(count(e.message, /sign in/), 1, e.message);
    assert.equal(count(e.message, /try again/), 1, e.message);
    assert.doesNotMatch(e.message, /HTTP/);
    assert.equal(e.detail, 'HTTP 401: "You are not signed in to Pieces; sign in with PiecesOS and connect to the cloud, then try again."');
    assert.deepEqual(failureOf(e), { kind: 'not-signed-in', message: e.message, detail: e.detail });
  } finally {
    emu.setFaults({});
  }
});

test('nothing listening: "Could not reach PiecesOS at …", what to do, and the code only in the detail', async () => {
  const port = await freePort();
  const e = await caught(createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 }).list());
  assert.equal(e.kind, 'unreachable');
  assert.equal(e.message, `Could not reach PiecesOS at http://127.0.0.1:${port}. Start PiecesOS or check its address, then try again.`);
  assert.doesNotMatch(e.message, CODES);
  assert.equal(e.detail, 'ECONNREFUSED');
  assert.equal(failureOf(e).detail, 'ECONNREFUSED', 'the history keeps it');
});

test('a connection dropped before the answer: said without its code, which stays in the detail', async () => {
  const server = net.createServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as net.AddressInfo;
    const e = await caught(createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 }).list());
    assert.equal(e.kind, 'connection-lost');
    assert.match(e.message, /^The connection to PiecesOS at http:\/\/127\.0\.0\.1:\d+ was lost before it answered\. Try again\.$/);
    assert.doesNotMatch(e.message, CODES);
    assert.match(e.detail ?? '', /^(?:ECONNRESET|EPIPE|UND_ERR_SOCKET)$/);
  } finally {
    server.close();
  }
});

test('describeError: codes go to the detail, never the sentence', () => {
  const refused = describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
  assert.deepEqual(refused, { kind: 'unreachable', message: 'Could not reach PiecesOS. Start PiecesOS or check its address, then try again.', detail: 'ECONNREFUSED' });
  const reset = describeError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }));
  assert.deepEqual(reset, { kind: 'connection-lost', message: 'The connection to PiecesOS was lost. Try again.', detail: 'ECONNRESET' });
});
