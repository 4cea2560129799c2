import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { wireBackup, wireBackups } from '../../main/api/wire.js';
import { makeSource, post, start, tempDir, until } from './helpers.js';
import { startEmulator } from '../../emulator/server.js';

test('health and version answer as PiecesOS does (GET and HEAD)', async (t) => {
  const { emu } = await start(t, { version: '12.3.4' });
  assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const health = await fetch(`${emu.url}/.well-known/health`);
  assert.equal(health.status, 200);
  assert.match(await health.text(), /^ok:[0-9a-f-]{36}$/);
  const head = await fetch(`${emu.url}/.well-known/health`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const version = await fetch(`${emu.url}/.well-known/version`);
  assert.equal(await version.text(), '12.3.4');
  const unknown = await fetch(`${emu.url}/nothing/here`);
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { message: string }).message, /no GET \/nothing\/here/);
});

test('create makes a real tar.gz of the source with the reported size, listed newest first', async (t) => {
  const root = await tempDir(t);
  const { dir, files } = await makeSource(root);
  const { emu, dataDir } = await start(t, { source: dir, deviceName: 'box', platform: 'MACOS', version: '9.0.5' });

  const first = await post(`${emu.url}/backups/create`, {});
  assert.equal(first.status, 200);
  const b = wireBackup.parse(first.json);
  assert.match(b.id, /^9\.0\.5_\d{13}$/);
  assert.equal(b.timestamp, b.id.split('_')[1]);
  assert.equal(b.device_name, 'box');
  assert.equal(b.platform, 'MACOS');
  assert.equal(new Date(b.created.value).getTime(), Number(b.timestamp));
  assert.deepEqual((first.json as { schema: unknown }).schema, { migration: 0, semantic: 'MAJOR_0_MINOR_0_PATCH_1' });

  const archive = path.join(dataDir, 'cloud', `${encodeURIComponent(b.id)}.tar.gz`);
  assert.equal((await stat(archive)).size, b.bytes);
  const listed: string[] = [];
  await tar.t({ file: archive, onReadEntry: (e) => void listed.push(e.path) });
  for (const f of files) assert.ok(listed.includes(f), `archive lists ${f}: ${listed.join(', ')}`);

  const second = wireBackup.parse((await post(`${emu.url}/backups/create`)).json); // no body at all is fine too
  assert.notEqual(second.id, b.id);
  const list = await (await fetch(`${emu.url}/backups`)).json() as { iterable: unknown[]; indices: Record<string, number> };
  const parsed = wireBackups.parse(list);
  assert.deepEqual(parsed.iterable.map((x) => x.id), [second.id, b.id]);
  assert.deepEqual(list.indices, { [second.id]: 0, [b.id]: 1 });
});

test('create rejects a body that is not a JSON object, and accepts unknown fields', async (t) => {
  const { emu } = await start(t);
  const bad = await post(`${emu.url}/backups/create`, 'not json');
  assert.equal(bad.status, 400);
  assert.match((bad.json as { message: string }).message, /JSON object/);
  assert.equal((await post(`${emu.url}/backups/create`, '[1]')).status, 400);
  assert.equal((await post(`${emu.url}/backups/create`, { schema: { migration: 0, semantic: 'UNKNOWN' }, extra: 1 })).status, 200);
});

test('the list survives a restart; a corrupt list file is set aside and the emulator starts empty', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const dataDir = path.join(root, 'data');
  const a = await start(t, { source: dir, dataDir });
  const made = wireBackup.parse((await post(`${a.emu.url}/backups/create`)).json);
  await a.emu.seed(3);
  await a.emu.close();

  const b = await start(t, { source: dir, dataDir });
  const list = wireBackups.parse(await (await fetch(`${b.emu.url}/backups`)).json());
  assert.equal(list.iterable.length, 4);
  assert.equal(list.iterable[0]?.id, made.id);
  await b.emu.close();

  await writeFile(path.join(dataDir, 'backups.json'), '{"backups": [ {"id": trunc');
  const c = await start(t, { source: dir, dataDir });
  const empty = wireBackups.parse(await (await fetch(`${c.emu.url}/backups`)).json());
  assert.equal(empty.iterable.length, 0);
  assert.ok((await readdir(dataDir)).some((n) => n.startsWith('backups.json.corrupt-')));
  assert.match(c.logs.join('\n'), /corrupt/);
  // And it still works after that.
  assert.equal((await post(`${c.emu.url}/backups/create`)).status, 200);
});

test('delete removes the archive and the record; an unknown id answers 404', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const { emu, dataDir } = await start(t, { source: dir });
  const b = wireBackup.parse((await post(`${emu.url}/backups/create`)).json);
  const archive = path.join(dataDir, 'cloud', `${encodeURIComponent(b.id)}.tar.gz`);
  await stat(archive);

  const del = await post(`${emu.url}/backups/${encodeURIComponent(b.id)}/delete`, b);
  assert.equal(del.status, 204);
  await assert.rejects(stat(archive), { code: 'ENOENT' });
  assert.equal(wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json()).iterable.length, 0);

  const again = await post(`${emu.url}/backups/${encodeURIComponent(b.id)}/delete`);
  assert.equal(again.status, 404);
  assert.match((again.json as { message: string }).message, /no backup with id/);
  assert.equal((await post(`${emu.url}/backups/%E0%A4%A/delete`)).status, 400);
});

test('ids with special characters round-trip through percent-encoding', async (t) => {
  const root = await tempDir(t);
  const { dir } = await makeSource(root);
  const version = '9.0 beta/ü+%?#&';
  const { emu, dataDir } = await start(t, { source: dir, version });
  const b = wireBackup.parse((await post(`${emu.url}/backups/create`)).json);
  assert.ok(b.id.startsWith(`${version}_`));
  assert.equal((await readdir(path.join(dataDir, 'cloud'))).length, 1);
  await emu.seed(2, { deviceName: 'weird/ name' });
  const list = wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json());
  for (const x of list.iterable) {
    assert.equal((await post(`${emu.url}/backups/${encodeURIComponent(x.id)}/delete`)).status, 204, x.id);
  }
  assert.equal((await readdir(path.join(dataDir, 'cloud'))).length, 0);
});

test('two creates at once: the second is refused with 409 while the first runs', async (t) => {
  const { emu } = await start(t, { bytesPerSecond: 2 * 1024 * 1024 });
  const firstRun = post(`${emu.url}/backups/create`);
  await until(async () => ((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy);
  const second = await post(`${emu.url}/backups/create/streamed`);
  assert.equal(second.status, 409);
  assert.match((second.json as { message: string }).message, /already in progress/);
  assert.equal((await firstRun).status, 200);
  // Afterwards a new backup is allowed again.
  assert.equal((await post(`${emu.url}/backups/create`)).status, 200);
});

test('seeding 10,000 records is quick and they list and delete like real ones', async (t) => {
  const { emu, dataDir } = await start(t);
  const seeded = await post(`${emu.url}/__emulator/seed`, { count: 10_000, deviceName: 'old-laptop', platform: 'WINDOWS' });
  assert.equal(seeded.status, 200);
  assert.equal((seeded.json as { backups: number }).backups, 10_000);
  const list = wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json());
  assert.equal(list.iterable.length, 10_000);
  assert.equal(new Set(list.iterable.map((b) => b.id)).size, 10_000);
  const times = list.iterable.map((b) => Date.parse(b.created.value));
  assert.ok(times.every((v, i) => i === 0 || v <= (times[i - 1] ?? v)), 'newest first');
  assert.equal(list.iterable[0]?.device_name, 'old-laptop');
  assert.equal(list.iterable[0]?.platform, 'WINDOWS');
  const victim = list.iterable[5000]!;
  assert.equal((await post(`${emu.url}/backups/${encodeURIComponent(victim.id)}/delete`)).status, 204);
  assert.equal(wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json()).iterable.length, 9_999);
  assert.equal((await readdir(path.join(dataDir, 'cloud'))).length, 0);

  for (const bad of [{ count: -1 }, { count: 'x' }, { count: 1, platform: 'PLAN9' }, { count: 1, extra: true }]) {
    const r = await post(`${emu.url}/__emulator/seed`, bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.match((r.json as { message: string }).message, /not valid/);
  }
});

test('requests from a foreign web origin or a non-loopback Host are refused (403)', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const http = await import('node:http');
  const dir = await mkdtemp(join(tmpdir(), 'pb-emu-origin-'));
  const emu = await startEmulator({ port: 0, dataDir: dir, log: () => {} });
  const status = (path: string, headers: Record<string, string>, method = 'GET') =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: emu.port, path, method, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  try {
    assert.equal(await status('/__emulator/faults', { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'POST'), 403);
    assert.equal(await status('/backups', { host: 'evil.example:80' }), 403);
    assert.equal(await status('/backups', { origin: 'null' }), 403);
    assert.equal(await status('/backups', { origin: `http://localhost:${emu.port}` }), 200);
    assert.equal(await status('/backups', {}), 200);
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});
