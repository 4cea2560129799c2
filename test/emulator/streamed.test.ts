import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { wireBackup, wireBackups, wireStreamedProgress } from '../../main/api/wire.js';
import type { Framing } from '../../emulator/types.js';
import { post, readStreamed, start, until } from './helpers.js';

const CONTENT_TYPES: Record<Framing, string> = { ndjson: 'application/x-ndjson', sse: 'text/event-stream', concat: 'application/json' };

for (const framing of ['ndjson', 'sse', 'concat'] as const) {
  test(`streamed create (${framing}) streams rising real percentages and ends COMPLETED with the backup`, async (t) => {
    // The sample database (~2 MB) at 8 MiB/s: a quarter second of real, visibly streamed work.
    const { emu, dataDir } = await start(t, { framing, bytesPerSecond: 8 * 1024 * 1024 });
    const r = await readStreamed(emu.url, framing);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, CONTENT_TYPES[framing]);
    assert.equal(r.broken, false);
    assert.ok(r.chunks > 5, `arrived in ${r.chunks} chunks, so it streamed`);
    if (framing === 'ndjson') assert.ok(r.raw.endsWith('}\n'));
    if (framing === 'sse') assert.ok(r.raw.startsWith('data: {'));
    if (framing === 'concat') assert.ok(r.raw.includes('}{') && !r.raw.includes('\n'));

    const values = r.values.map((v) => wireStreamedProgress.parse(JSON.parse(v)));
    assert.deepEqual(values[0], { status: 'INITIALIZED', percentage: 0 });
    const middle = values.slice(1, -1);
    assert.ok(middle.length >= 10, `${middle.length} progress values`);
    for (const [i, v] of middle.entries()) {
      assert.equal(v.status, 'IN-PROGRESS');
      assert.ok(typeof v.percentage === 'number' && v.percentage > 0 && v.percentage < 100);
      if (i > 0) assert.ok(v.percentage > (middle[i - 1]?.percentage ?? 0), 'strictly rising');
    }
    const last = values.at(-1)!;
    assert.equal(last.status, 'COMPLETED');
    assert.equal(last.percentage, 100);
    const backup = wireBackup.parse(last.backup);
    assert.equal((await stat(path.join(dataDir, 'cloud', `${encodeURIComponent(backup.id)}.tar.gz`))).size, backup.bytes);
    const list = wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json());
    assert.deepEqual(list.iterable.map((b) => b.id), [backup.id]);
  });
}

test('the framing can be switched by setFraming and by the control endpoint', async (t) => {
  const { emu } = await start(t);
  emu.setFraming('sse');
  assert.equal((await readStreamed(emu.url, 'sse')).contentType, 'text/event-stream');
  const switched = await post(`${emu.url}/__emulator/framing`, { framing: 'concat' });
  assert.equal(switched.status, 200);
  assert.equal((switched.json as { framing: string }).framing, 'concat');
  const r = await readStreamed(emu.url, 'concat');
  assert.equal(r.contentType, 'application/json');
  assert.equal(wireStreamedProgress.parse(JSON.parse(r.values.at(-1)!)).status, 'COMPLETED');
  assert.equal((await post(`${emu.url}/__emulator/framing`, { framing: 'xml' })).status, 400);
  assert.equal((await post(`${emu.url}/__emulator/framing`, 'nope')).status, 400);
  const state = (await (await fetch(`${emu.url}/__emulator/state`)).json()) as { framing: string; backups: number };
  assert.deepEqual([state.framing, state.backups], ['concat', 2]);
});

test('a client that gives up mid-stream leaves no backup and no partial archive behind', async (t) => {
  const { emu, dataDir } = await start(t, { bytesPerSecond: 1024 * 1024 });
  const ac = new AbortController();
  const res = await fetch(`${emu.url}/backups/create/streamed`, { method: 'POST', body: '{}', signal: ac.signal });
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  await reader.read().catch(() => undefined);
  // The lock is released once the server notices, and the cloud folder holds nothing.
  await until(async () => !((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy);
  assert.deepEqual(await readdir(path.join(dataDir, 'cloud')), []);
  assert.equal(wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json()).iterable.length, 0);
});
