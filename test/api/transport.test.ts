// The node:http transport under the client: socket reuse, exit without close(), base paths,
// bounded error bodies, and that aborts and timeouts release the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createClient } from '../../main/api/client.js';
import { parseTarget } from '../../main/api/http-transport.js';
import { BackupsApiError } from '../../main/api/errors.js';
import { startServer, freePort, wireSample } from './http-fixture.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BackupsApiError, String(e));
    return e.kind;
  }
  return 'resolved';
}

/** Resolves when `pred` holds, checking every 5 ms for up to 3 s. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

test('parseTarget keeps the base path, unwraps IPv6 and refuses what is not http(s)', () => {
  assert.deepEqual(parseTarget('http://127.0.0.1:39300/pieces/'), { protocol: 'http:', hostname: '127.0.0.1', port: 39300, basePath: '/pieces', auth: undefined });
  assert.equal(parseTarget('http://[::1]:1000').hostname, '::1');
  assert.equal(parseTarget('https://pieces.local').port, undefined);
  for (const bad of ['not a url', 'ftp://x']) assert.throws(() => parseTarget(bad), (e: unknown) => (e as { code?: string }).code === 'ERR_INVALID_URL');
});

test('repeated calls reuse one keep-alive socket', async () => {
  const ports = new Set<number>();
  const srv = await startServer((req, res) => {
    ports.add(req.socket.remotePort ?? -1);
    json(res, 200, { iterable: [wireSample] });
  });
  try {
    const c = createClient({ baseUrl: srv.url, timeoutMs: 2000 });
    for (let i = 0; i < 5; i++) assert.equal((await c.list()).length, 1);
    assert.equal(ports.size, 1, 'five sequential calls, one connection');
    c.close();
  } finally {
    await srv.close();
  }
});

test('requests go under the base URL path, the id still one encoded segment', async () => {
  const urls: string[] = [];
  const srv = await startServer((req, res) => {
    urls.push(req.url ?? '');
    if (req.url?.endsWith('/delete')) {
      res.writeHead(204);
      res.end();
    } else json(res, 200, { iterable: [] });
  });
  try {
    const c = createClient({ baseUrl: `${srv.url}/api/v1/`, timeoutMs: 2000 });
    await c.list();
    await c.delete('a/../b%2F');
    assert.deepEqual(urls, ['/api/v1/backups', '/api/v1/backups/a%2F..%2Fb%252F/delete']);
  } finally {
    await srv.close();
  }
});

test('a huge error body is read only up to the bound and the connection dropped', async () => {
  let closed = false;
  const srv = await startServer((req, res) => {
    req.socket.on('close', () => (closed = true));
    res.writeHead(500, { 'content-type': 'text/plain' });
    // 8 MiB the client must not wait for: it stops after 64 KiB.
    res.end(`disk on fire ${'x'.repeat(8 * 1024 * 1024)}`);
  });
  try {
    const c = createClient({ baseUrl: srv.url, timeoutMs: 5000 });
    await assert.rejects(c.list(), (e: unknown) => e instanceof BackupsApiError && e.kind === 'http' && /HTTP 500: disk on fire x+…$/.test(e.message));
    await until(() => closed, 'the server sees the connection closed');
  } finally {
    await srv.close();
  }
});

test('a cancel or a timeout mid-body closes the connection and leaves no timer behind', async () => {
  const sockets: Socket[] = [];
  const srv = await startServer((req, res) => {
    sockets.push(req.socket);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"status":"IN-PROGRESS","percentage":1}\n'); // then silence
  });
  try {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const c = createClient({ baseUrl: srv.url, timeoutMs: 2000, stallTimeoutMs: 100 });
    const ctl = new AbortController();
    const canceled = c.createStreamed({ signal: ctl.signal, onProgress: () => ctl.abort() });
    assert.equal(await kindOf(canceled), 'canceled');
    assert.equal(await kindOf(c.createStreamed()), 'stalled');
    await until(() => sockets.length === 2 && sockets.every((s) => s.destroyed), 'both server sockets closed');
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, timersBefore, 'no client timer left running');
  } finally {
    await srv.close();
  }
});

test('an unreachable https address and a broken address are unreachable', async () => {
  const port = await freePort();
  assert.equal(await kindOf(createClient({ baseUrl: `https://127.0.0.1:${port}` }).list()), 'unreachable');
  assert.equal(await kindOf(createClient({ baseUrl: 'http://' }).list()), 'unreachable');
});

test('a process that listed exits at once, without close(), while the server keeps the socket open', async (t) => {
  // The server would hold an idle keep-alive socket for a minute: only an unref'd pool lets the child exit.
  const srv = await startServer((_req, res) => json(res, 200, { iterable: [wireSample] }), { keepAliveTimeoutMs: 60_000 });
  try {
    const script = `import { createClient } from './main/api/client.ts';
const list = await createClient({ baseUrl: ${JSON.stringify(srv.url)}, timeoutMs: 5000 }).list();
console.log('listed', list.length);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    if (code === null && out === '') return t.skip('the child node process could not start in time on this machine');
    assert.equal(code, 0, out);
    assert.match(out, /listed 1/);
  } finally {
    await srv.close();
  }
});
