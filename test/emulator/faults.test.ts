import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { wireBackups, wireStreamedProgress } from '../../main/api/wire.js';
import type { Faults, RunningEmulator } from '../../emulator/types.js';
import { post, readStreamed, start, until } from './helpers.js';

// Every fault is checked twice: set as a start option, and set through the control endpoint.
type Setter = (t: TestContext, faults: Faults) => Promise<{ emu: RunningEmulator; dataDir: string }>;
const setters: Record<string, Setter> = {
  option: async (t, faults) => start(t, { faults }),
  control: async (t, faults) => {
    const s = await start(t);
    const r = await post(`${s.emu.url}/__emulator/faults`, faults);
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as { faults: Faults }).faults, faults);
    return s;
  },
};

const backupCount = async (emu: RunningEmulator) => ((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { backups: number }).backups;

for (const [how, set] of Object.entries(setters)) {
  test(`notSignedIn (${how}): every Backups API call answers 401 with a message; discovery still works`, async (t) => {
    const { emu } = await set(t, { notSignedIn: true });
    for (const [method, route] of [['GET', '/backups'], ['POST', '/backups/create'], ['POST', '/backups/create/streamed'], ['POST', '/backups/x/delete']] as const) {
      const res = await fetch(`${emu.url}${route}`, { method });
      assert.equal(res.status, 401, route);
      assert.match(((await res.json()) as { message: string }).message, /not signed in/);
    }
    assert.equal((await fetch(`${emu.url}/.well-known/health`)).status, 200);
  });

  test(`serverError (${how}): 500 with a JSON message`, async (t) => {
    const { emu } = await set(t, { serverError: true });
    const res = await fetch(`${emu.url}/backups`);
    assert.equal(res.status, 500);
    assert.match(((await res.json()) as { message: string }).message, /internal error/);
    assert.equal((await post(`${emu.url}/backups/create`)).status, 500);
    assert.equal(await backupCount(emu), 0);
  });

  test(`failAtPercent (${how}): FAILED at that point, no backup, no partial archive`, async (t) => {
    const { emu, dataDir } = await set(t, { failAtPercent: 40 });
    const r = await readStreamed(emu.url, 'ndjson');
    const values = r.values.map((v) => wireStreamedProgress.parse(JSON.parse(v)));
    const last = values.at(-1)!;
    assert.equal(last.status, 'FAILED');
    assert.ok((last.percentage ?? 0) >= 40 && (last.percentage ?? 100) < 50, `failed at ${last.percentage}`);
    assert.ok(values.slice(1, -1).every((v) => v.status === 'IN-PROGRESS' && (v.percentage ?? 0) < 40));
    const plain = await post(`${emu.url}/backups/create`);
    assert.equal(plain.status, 500);
    assert.match((plain.json as { message: string }).message, /failed at 4\d%/);
    assert.equal(await backupCount(emu), 0);
    assert.deepEqual(await readdir(path.join(dataDir, 'cloud')), []);
  });

  test(`dropAtPercent (${how}): the connection is dropped mid-body`, async (t) => {
    const { emu, dataDir } = await set(t, { dropAtPercent: 30 });
    const r = await readStreamed(emu.url, 'ndjson');
    assert.equal(r.status, 200);
    assert.equal(r.broken, true);
    const values = r.values.map((v) => { try { return wireStreamedProgress.parse(JSON.parse(v)); } catch { return undefined; } });
    assert.ok(values.every((v) => v === undefined || v.status !== 'COMPLETED'));
    await assert.rejects(fetch(`${emu.url}/backups/create`, { method: 'POST' }));
    await until(async () => (await backupCount(emu)) === 0 && (await readdir(path.join(dataDir, 'cloud'))).length === 0);
  });

  test(`malformed (${how}): a broken list body, a wrong-typed create answer, a broken value in the stream`, async (t) => {
    const { emu } = await set(t, { malformed: true });
    const list = await fetch(`${emu.url}/backups`);
    assert.equal(list.status, 200);
    await assert.rejects(list.json());
    const created = await post(`${emu.url}/backups/create`);
    assert.equal(created.status, 200);
    assert.equal(typeof (created.json as { bytes: unknown }).bytes, 'string');
    const r = await readStreamed(emu.url, 'ndjson');
    const broken = r.values.filter((v) => { try { JSON.parse(v); return false; } catch { return true; } });
    assert.equal(broken.length, 1);
    assert.equal(wireStreamedProgress.parse(JSON.parse(r.values.at(-1)!)).status, 'COMPLETED');
  });

  test(`stallAtPercent (${how}): the stream stops but stays open until the client gives up`, async (t) => {
    const { emu, dataDir } = await set(t, { stallAtPercent: 20 });
    const ac = new AbortController();
    const res = await fetch(`${emu.url}/backups/create/streamed`, { method: 'POST', body: '{}', signal: ac.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // Read until nothing more arrives for 300 ms: the stall. The stream must not have ended.
    let pending = reader.read();
    for (;;) {
      const next = await Promise.race([pending, new Promise<'quiet'>((r) => setTimeout(() => r('quiet'), 300))]);
      if (next === 'quiet') break;
      assert.equal(next.done, false, 'the stream must not end while stalled');
      text += decoder.decode(next.value, { stream: true });
      pending = reader.read();
    }
    const values = text.trim().split('\n').map((l) => wireStreamedProgress.parse(JSON.parse(l)));
    assert.ok(values.length >= 2, text);
    assert.ok(values.every((v) => v.status !== 'COMPLETED' && (v.percentage ?? 0) < 20), text);
    assert.equal(((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy, true);
    assert.equal((await post(`${emu.url}/backups/create`)).status, 409);
    ac.abort();
    await pending.catch(() => undefined);
    await until(async () => !((await (await fetch(`${emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy);
    assert.deepEqual(await readdir(path.join(dataDir, 'cloud')), []);
  });
}

test('resetAtPercent on a create: one RESET value part-way, then progress from 0 again, and the backup is made once', async (t) => {
  const { emu, dataDir } = await start(t, { faults: { resetAtPercent: 50 }, bytesPerSecond: 8 * 1024 * 1024 });
  const r = await readStreamed(emu.url, 'ndjson');
  const values = r.values.map((v) => wireStreamedProgress.parse(JSON.parse(v)));
  const resetAt = values.findIndex((v) => v.status === 'RESET');
  assert.ok(resetAt > 1, 'a RESET after some progress');
  assert.equal(values.filter((v) => v.status === 'RESET').length, 1);
  assert.ok((values[resetAt + 1]?.percentage ?? 100) < 50, 'progress starts over');
  assert.equal(values.at(-1)?.status, 'COMPLETED');
  assert.equal(await backupCount(emu), 1);
  assert.equal((await readdir(path.join(dataDir, 'cloud'))).length, 1);
});

test('close() ends a stalled stream promptly', async (t) => {
  const { emu } = await start(t, { faults: { stallAtPercent: 0 } });
  const res = await fetch(`${emu.url}/backups/create/streamed`, { method: 'POST' });
  const reader = res.body!.getReader();
  await reader.read();
  await emu.close();
  await assert.rejects(async () => { for (;;) if ((await reader.read()).done) throw new Error('ended'); });
});

test('clearing faults through the control endpoint restores normal answers; bad fault bodies are 400', async (t) => {
  const { emu } = await start(t, { faults: { serverError: true } });
  assert.equal((await fetch(`${emu.url}/backups`)).status, 500);
  assert.equal((await post(`${emu.url}/__emulator/faults`, {})).status, 200);
  assert.equal(wireBackups.parse(await (await fetch(`${emu.url}/backups`)).json()).iterable.length, 0);
  for (const bad of ['nope', { failAtPercent: 150 }, { notSignedIn: 'yes' }, { stalAtPercent: 5 }]) {
    const r = await post(`${emu.url}/__emulator/faults`, bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.ok(typeof (r.json as { message: string }).message === 'string');
  }
  assert.throws(() => emu.setFaults({ failAtPercent: -1 }));
  assert.equal((await fetch(`${emu.url}/__emulator/faults`)).status, 405);
});
