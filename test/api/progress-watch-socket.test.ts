// The live watch of PiecesOS over the WebSocket /backups/streamed/progress: messages validated
// (unknown fields ignored, bad ones ignored, never a crash), a backup started by a plain HTTP client
// seen through it against the emulator, back after the emulator restarts on the same port, and a
// bounded reconnect schedule while PiecesOS is gone (ManualClock).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { ManualClock } from '../../main/engine/clock.js';
import { parseLiveRuns, progressSocketUrl, ProgressSocketWatch, type LiveRun } from '../../main/api/progress-watch-socket.js';
import { startEmulator } from '../../emulator/server.js';
import { makeSource, tempDir, until } from '../emulator/helpers.js';

test('parseLiveRuns: backups and restorations, unknown fields and statuses tolerated, bad messages refused', () => {
  const backup = { id: 'b1', version: '1', timestamp: '1', bytes: 3, created: { value: '2026-01-01T00:00:00Z' }, device_name: 'pc', platform: 'LINUX', extra: 1 };
  assert.deepEqual(parseLiveRuns(JSON.stringify({ backups: [{ status: 'IN-PROGRESS', percentage: 42, backup_id: 'x', future: true }], restorations: [{ status: 'WHATEVER', percentage: null, backup }], more: {} })), [
    { kind: 'backup', status: 'IN-PROGRESS', percentage: 42 },
    { kind: 'restore', status: 'UNKNOWN', percentage: null, backup: { id: 'b1', version: '1', timestamp: '1', bytes: 3, created: '2026-01-01T00:00:00Z', deviceName: 'pc', platform: 'LINUX' } },
  ]);
  assert.deepEqual(parseLiveRuns('{}'), [], 'both lists optional');
  assert.deepEqual(parseLiveRuns('{"backups":null}'), []);
  for (const bad of ['', 'not json', '[]', 'null', '{"backups":{}}', '{"backups":[{"percentage":"half"}]}', '{"restorations":[{"backup":{"id":1}}]}']) {
    assert.equal(parseLiveRuns(bad), null, bad);
  }
});

test('progressSocketUrl: ws scheme, path appended (a prefix kept)', () => {
  assert.equal(progressSocketUrl('http://127.0.0.1:39300'), 'ws://127.0.0.1:39300/backups/streamed/progress');
  assert.equal(progressSocketUrl('http://localhost:1000/pieces/'), 'ws://localhost:1000/pieces/backups/streamed/progress');
  assert.equal(progressSocketUrl('https://[::1]:5323'), 'wss://[::1]:5323/backups/streamed/progress');
});

function watchOf(t: TestContext, url: () => string | null, extra: Partial<ConstructorParameters<typeof ProgressSocketWatch>[0]> = {}) {
  const seen: LiveRun[][] = [];
  const connections: boolean[] = [];
  const w = new ProgressSocketWatch({ baseUrl: url, onRuns: (r) => seen.push(r), onConnection: (c) => connections.push(c), ...extra });
  t.after(() => w.stop());
  return { w, seen, connections };
}

test('a backup started by a plain HTTP client shows through the watch, then its completion', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const emu = await startEmulator({ dataDir: root, source: dir, bytesPerSecond: 2 * 1024 * 1024, log: () => undefined });
  t.after(() => emu.close());
  const { w, seen } = watchOf(t, () => emu.url);
  w.start();
  await until(() => w.status === 'open' && seen.length > 0);
  const res = await fetch(`${emu.url}/backups/create`, { method: 'POST' });
  const made = (await res.json()) as { id: string };
  await until(() => seen.some((runs) => runs.some((r) => r.status === 'COMPLETED')));
  assert.ok(seen.some((runs) => runs.some((r) => r.kind === 'backup' && r.status === 'IN-PROGRESS' && (r.percentage ?? 0) > 0)), 'progress seen while it ran');
  assert.equal(seen.flat().find((r) => r.status === 'COMPLETED')?.backup?.id, made.id);
});

test('the watch comes back after the emulator restarts on the same port', async (t) => {
  const root = await tempDir(t);
  const first = await startEmulator({ dataDir: root, log: () => undefined });
  const { port } = first;
  let closedSecond: (() => Promise<void>) | null = null;
  t.after(async () => {
    await first.close();
    await closedSecond?.();
  });
  const { w, connections } = watchOf(t, () => `http://127.0.0.1:${port}`, { delaysMs: [20, 50] });
  w.start();
  await until(() => w.status === 'open');
  await first.close();
  await until(() => connections.includes(false) && w.status !== 'open');
  const second = await startEmulator({ dataDir: root, port, log: () => undefined });
  closedSecond = () => second.close();
  await until(() => w.status === 'open');
  assert.deepEqual(connections, [true, false, true]);
});

test('bad messages are ignored and the watch goes on; an onRuns that throws does not end it', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  t.after(() => new Promise<void>((r) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => r());
  }));
  wss.on('connection', (ws) => {
    ws.send('not json');
    ws.send('{"backups":[{"percentage":"lots"}]}');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send('{"backups":[{"status":"IN-PROGRESS","percentage":7}]}');
    ws.send('{"backups":[{"status":"IN-PROGRESS","percentage":8}]}');
  });
  const port = (wss.address() as net.AddressInfo).port;
  const seen: LiveRun[][] = [];
  const logs: string[] = [];
  const w = new ProgressSocketWatch({
    baseUrl: () => `http://127.0.0.1:${port}`,
    onRuns: (r) => {
      seen.push(r);
      if (seen.length === 1) throw new Error('listener broke');
    },
    log: (_l, m) => logs.push(m),
  });
  t.after(() => w.stop());
  w.start();
  await until(() => seen.length === 2).catch(() => assert.fail(`seen ${JSON.stringify(seen)}, logs ${JSON.stringify(logs)}, status ${w.status}`));
  assert.deepEqual(seen.map((r) => r[0]?.percentage), [7, 8]);
  assert.equal(w.status, 'open');
  assert.equal(logs.filter((m) => m.includes('does not understand')).length, 1, 'said once per connection');
});

test('while PiecesOS is gone: a few quick attempts, then at most one a minute, from one timer', async (t) => {
  // A port where something accepts and drops every connection at once: each drop is one attempt.
  const attemptsAt: number[] = [];
  const clock = new ManualClock();
  const server = net.createServer((s) => {
    attemptsAt.push(clock.now());
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  const { w } = watchOf(t, () => `http://127.0.0.1:${port}`, { clock });
  const start = clock.now();
  w.start();
  // Two hours of absence, a second at a time; real time only for each attempt to fail.
  for (let s = 0; s < 2 * 3600; s++) {
    await until(() => w.status === 'waiting');
    await clock.advance(1000);
  }
  await until(() => w.status === 'waiting');
  assert.equal(clock.pendingTimers, 1, 'one timer while waiting');
  const afterFirstMinute = attemptsAt.filter((at) => at - start >= 60_000);
  for (let i = 1; i < afterFirstMinute.length; i++) {
    assert.ok((afterFirstMinute[i] ?? 0) - (afterFirstMinute[i - 1] ?? 0) >= 60_000, `attempts ${i - 1} and ${i} at least a minute apart`);
  }
  assert.ok(attemptsAt.filter((at) => at - start < 60_000).length <= 5, `few attempts in the first minute (${attemptsAt.length})`);
  assert.ok(attemptsAt.length <= 2 * 60 + 5, `at most about one a minute over two hours (${attemptsAt.length})`);
  assert.ok(attemptsAt.length >= 2 * 60 - 5, `it keeps trying (${attemptsAt.length})`);
});

test('connected to the emulator, the watch arms no timer', async (t) => {
  const root = await tempDir(t);
  const emu = await startEmulator({ dataDir: root, log: () => undefined });
  t.after(() => emu.close());
  const clock = new ManualClock();
  const { w } = watchOf(t, () => emu.url, { clock });
  w.start();
  await until(() => w.status === 'open');
  assert.equal(clock.pendingTimers, 0);
  await clock.advance(3600_000);
  assert.equal(w.status, 'open', 'still open an hour later, nothing woke');
});

test('a PiecesOS that answers without this WebSocket (404) is asked again only every 10 minutes, said once', async (t) => {
  const clock = new ManualClock();
  const attemptsAt: number[] = [];
  const server = http.createServer((_req, res) => {
    attemptsAt.push(clock.now());
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('x'.repeat(1_000_000));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const port = (server.address() as net.AddressInfo).port;
  const logs: string[] = [];
  const { w } = watchOf(t, () => `http://127.0.0.1:${port}`, { clock, log: (_l, m) => logs.push(m) });
  w.start();
  for (let m = 0; m < 60; m++) {
    await until(() => w.status === 'waiting');
    await clock.advance(60_000);
  }
  await until(() => w.status === 'waiting');
  assert.ok(attemptsAt.length >= 6 && attemptsAt.length <= 7, `about one attempt per 10 minutes in an hour (${attemptsAt.length})`);
  assert.equal(logs.filter((l) => l.includes('does not serve')).length, 1);
});
