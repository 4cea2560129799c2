// The emulator's WebSocket routes: /backups/streamed/progress reports every create and restore,
// whoever started it (here a plain HTTP client), on every change, ending with the final status;
// and the WebSocket twins of the streamed create and restore do real work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { wireBackup, wireBackups, wireBackupsStreamedProgress, wireStreamedProgress } from '../../main/api/wire.js';
import { makeSource, post, start, tempDir, until } from './helpers.js';

/** Opens a WebSocket and collects its messages (parsed JSON) until it closes. */
async function open(url: string): Promise<{ ws: WebSocket; messages: unknown[]; closed: Promise<void> }> {
  const ws = new WebSocket(url);
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

const wsUrl = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`;

test('/backups/streamed/progress: a backup and a restore started by an HTTP client show on every change, ending with their final status', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu } = await start(t, { source: dir, bytesPerSecond: 2 * 1024 * 1024 });
  const watch = await open(wsUrl(emu.url, '/backups/streamed/progress'));
  t.after(() => watch.ws.terminate());
  await until(() => watch.messages.length >= 1);
  assert.deepEqual(wireBackupsStreamedProgress.parse(watch.messages[0]), { backups: [], restorations: [] }, 'first: where things stand (nothing runs)');

  const made = await post(`${emu.url}/backups/create`);
  assert.equal(made.status, 200);
  const backup = wireBackup.parse(made.json);
  await until(() => watch.messages.some((m) => wireBackupsStreamedProgress.parse(m).backups?.[0]?.status === 'COMPLETED'));
  const creates = watch.messages.map((m) => wireBackupsStreamedProgress.parse(m)).filter((m) => (m.backups?.length ?? 0) > 0);
  const percents = creates.map((m) => m.backups?.[0]?.percentage);
  assert.ok(creates.some((m) => m.backups?.[0]?.status === 'IN-PROGRESS'), 'progress values in between');
  assert.deepEqual([...percents].sort((a, b) => (a ?? 0) - (b ?? 0)), percents, 'percentages only rise');
  const last = creates.at(-1)?.backups?.[0];
  assert.equal(last?.status, 'COMPLETED');
  assert.equal(last?.backup?.id, backup.id, 'the completed value names the backup made');

  const before = watch.messages.length;
  const restored = await post(`${emu.url}/backup/${encodeURIComponent(backup.id)}/restore`);
  assert.equal(restored.status, 200);
  await until(() => watch.messages.slice(before).some((m) => wireBackupsStreamedProgress.parse(m).restorations?.[0]?.status === 'COMPLETED'));
  const restores = watch.messages.slice(before).map((m) => wireBackupsStreamedProgress.parse(m));
  assert.ok(restores.every((m) => (m.backups?.length ?? 0) === 0), 'a restore is not a backup');
  assert.ok(restores.every((m) => (m.restorations ?? []).every((r) => r.backup?.id === backup.id)), 'each restore value names the backup restored');
});

test('a watcher that connects while a backup runs hears of it at once, and of its end', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu } = await start(t, { source: dir, bytesPerSecond: 64 * 1024, faults: { stallAtPercent: 30 } });
  const controller = new AbortController();
  const running = fetch(`${emu.url}/backups/create`, { method: 'POST', signal: controller.signal }).catch(() => undefined);
  await until(async () => ((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy);
  const late = await open(wsUrl(emu.url, '/backups/streamed/progress'));
  t.after(() => late.ws.terminate());
  await until(() => late.messages.length >= 1);
  const first = wireBackupsStreamedProgress.parse(late.messages[0]);
  assert.equal(first.backups?.length, 1);
  assert.ok(first.backups?.[0]?.status === 'INITIALIZED' || first.backups?.[0]?.status === 'IN-PROGRESS');
  controller.abort();
  await running;
  await until(() => late.messages.some((m) => wireBackupsStreamedProgress.parse(m).backups?.[0]?.status === 'CANCELED' || wireBackupsStreamedProgress.parse(m).backups?.[0]?.status === 'FAILED'));
});

test('the WebSocket twins: create makes a real backup, restore restores it, each value a BackupStreamedProgress, then the socket closes', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu } = await start(t, { source: dir, bytesPerSecond: 4 * 1024 * 1024 });
  const create = await open(wsUrl(emu.url, '/backups/create/streamed/websocket'));
  await create.closed;
  const values = create.messages.map((m) => wireStreamedProgress.parse(m));
  const done = values.at(-1);
  assert.equal(done?.status, 'COMPLETED');
  assert.ok(values.some((v) => v.status === 'IN-PROGRESS'));
  const id = done?.backup?.id ?? '';
  const list = wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json());
  assert.ok(list.iterable.some((b) => b.id === id), 'the backup is in the list');

  const restore = await open(wsUrl(emu.url, `/backup/${encodeURIComponent(id)}/restore/streamed/websocket`));
  await restore.closed;
  assert.equal(wireStreamedProgress.parse(restore.messages.at(-1)).status, 'COMPLETED');
});

test('an unknown WebSocket path is refused with 404', async (t) => {
  const { emu } = await start(t);
  const ws = new WebSocket(wsUrl(emu.url, '/backups/nope'));
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
  assert.equal(status, 404);
});
