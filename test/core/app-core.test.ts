// AppCore over loopback against the emulator: every IPC channel answered, payloads validated, never throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { createAppCore } from '../../main/core/app-core.js';
import { INVOKE_HANDLERS } from '../../main/ipc/handlers.js';
import { INVOKE_CHANNELS } from '../../main/ipc/contract.js';
import { createNoticePolicy } from '../../main/core/notices.js';
import { ManualClock } from '../../main/engine/clock.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import type { ServerResponse } from 'node:http';
import { startServer } from '../api/http-fixture.js';

test('every contract channel has a handler, and only those', () => {
  assert.deepEqual(Object.keys(INVOKE_HANDLERS).sort(), [...INVOKE_CHANNELS].sort());
});

test('IPC through AppCore: snapshot, create, history, bad payloads, unknown channel', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
  const core = await createAppCore({ configDir: join(dir, 'cfg'), url: emu.url });
  try {
    await emu.seed(3, { deviceName: 'elsewhere' });
    await core.start();
    const snap = await core.handle('app:snapshot', undefined);
    assert.ok(snap.ok);
    const s = snap.value as { backups: unknown[]; connection: { source: string; url: string } };
    assert.equal(s.backups.length, 3);
    assert.equal(s.connection.url, emu.url);

    const finished = new Promise<void>((resolve) => core.on('event:history', (h) => h.length && resolve()));
    assert.deepEqual(await core.handle('backups:create', undefined), { ok: true, value: { started: true } });
    const again = await core.handle('backups:create', undefined);
    assert.equal(again.ok ? '' : again.error.kind, 'already-running');
    await finished;
    const hist = await core.handle('history:list', undefined);
    assert.ok(hist.ok && (hist.value as Array<{ result: string }>)[0]!.result === 'completed');

    const bad = await core.handle('pause:set', { until: 'forever' });
    assert.equal(bad.ok ? '' : bad.error.kind, 'invalid-request');
    const badSettings = await core.handle('settings:update', { schedule: { kind: 'custom', cron: '99 * * * *' } });
    assert.equal(badSettings.ok ? '' : badSettings.error.kind, 'invalid-request');
    assert.match(badSettings.ok ? '' : badSettings.error.message, /minute/);
    const unknown = await core.handle('rm:rf', {});
    assert.equal(unknown.ok ? '' : unknown.error.kind, 'unknown-channel');

    const preview = await core.handle('schedule:preview', { kind: 'daily', time: '08:00' });
    assert.ok(preview.ok && (preview.value as { nextRuns: string[] }).nextRuns.length === 3);
    const paused = await core.handle('pause:set', { until: '1h' });
    assert.ok(paused.ok && (paused.value as { phase: string }).phase === 'paused');
    const resumed = await core.handle('pause:resume', undefined);
    assert.ok(resumed.ok && (resumed.value as { phase: string }).phase === 'idle');
    const ret = await core.handle('retention:preview', { enabled: true, keepLast: 1, maxAgeDays: null, includeOtherDevices: true });
    // keepLast counts per device: 'elsewhere' keeps its newest of 3, this computer its only one.
    assert.ok(ret.ok);
    assert.equal((ret.value as { wouldDelete: unknown[] }).wouldDelete.length, 2);
    const conn = await core.handle('connection:check', undefined);
    assert.ok(conn.ok && (conn.value as { reachable: boolean }).reachable);
  } finally {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('notices honour preferences and are rate-limited', () => {
  const clock = new ManualClock();
  let settings = structuredClone(DEFAULT_SETTINGS);
  const policy = createNoticePolicy({ settings: () => settings, clock });
  const fail = { entry: { trigger: 'scheduled' as const, result: 'failed' as const, startedAt: '', finishedAt: '', error: { kind: 'http' as const, message: 'PiecesOS answered 500.' } }, retryAt: null, attempt: 0 };
  assert.equal(policy.fromRun(fail)?.kind, 'failure');
  assert.equal(policy.fromRun(fail), null, 'a second failure right away is suppressed');
  assert.equal(policy.fromRun({ ...fail, retryAt: 'soon' }), null, 'no notice while a retry is pending');
  const ok = { entry: { trigger: 'manual' as const, result: 'completed' as const, startedAt: '', finishedAt: '', bytes: 2048 }, retryAt: null, attempt: 0 };
  assert.equal(policy.fromRun(ok), null, 'success notices are off by default');
  settings = { ...settings, notifications: { ...settings.notifications, onSuccess: true } };
  assert.equal(policy.fromRun(ok)?.kind, 'success');
  const ns = { entry: { ...fail.entry, error: { kind: 'not-signed-in' as const, message: 'x' } }, retryAt: null, attempt: 0 };
  assert.match(policy.fromRun(ns)?.body ?? '', /sign in/i);
});

test('a corrupt settings file: the core starts on defaults, keeps the file, and says so in a notice', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-reset-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {} });
  const cfg = join(dir, 'cfg');
  await mkdir(cfg, { recursive: true });
  await writeFile(join(cfg, 'config.json'), '{"schedule": {"kind": "daily", "time": "12:0');
  const core = await createAppCore({ configDir: cfg, url: emu.url });
  const notices: Array<{ kind: string; body: string }> = [];
  core.onNotice((n) => notices.push(n));
  try {
    await core.start();
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.kind, 'settings-reset');
    const kept = (await readdir(cfg)).filter((f) => f.startsWith('config.json.broken-'));
    assert.equal(kept.length, 1, 'the broken file is kept beside the new one');
    assert.match(notices[0]!.body, new RegExp(kept[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await readFile(join(cfg, kept[0]!), 'utf8'), '{"schedule": {"kind": "daily", "time": "12:0');
    const snap = await core.handle('app:snapshot', undefined);
    assert.ok(snap.ok);
    assert.deepEqual((snap.value as { settings: { schedule: unknown } }).settings.schedule, DEFAULT_SETTINGS.schedule);
  } finally {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('settings:update refuses a PiecesOS URL that is not a plain http(s) address, and saves a good one normalised', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-url-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {} });
  const core = await createAppCore({ configDir: join(dir, 'cfg'), url: emu.url });
  try {
    for (const bad of ['javascript:alert(1)', 'ftp://127.0.0.1:39300', 'http://127.0.0.1:39300/?x=1', 'http://127.0.0.1:39300/#a', 'not a url']) {
      const r = await core.handle('settings:update', { piecesOsUrl: bad });
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.error.kind, 'invalid-request');
    }
    const good = await core.handle('settings:update', { piecesOsUrl: 'http://127.0.0.1:39301' });
    assert.ok(good.ok);
    assert.equal((good.value as { piecesOsUrl: string }).piecesOsUrl, 'http://127.0.0.1:39301');
  } finally {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the snapshot names this computer (the engine\'s device identity: PiecesOS\'s name for it), so a window needs no retention dry run to learn it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-device-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {}, deviceName: 'desk-7' });
  const core = await createAppCore({ configDir: join(dir, 'cfg'), url: emu.url });
  try {
    await emu.seed(2, { deviceName: 'elsewhere' });
    await core.start();
    const snap = await core.handle('app:snapshot', undefined);
    assert.ok(snap.ok);
    assert.equal((snap.value as { thisDevice: unknown }).thisDevice, 'desk-7');
    // A second window asks again and gets the same answer.
    assert.equal((await core.snapshot()).thisDevice, 'desk-7');
  } finally {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('an older PiecesOS that does not name this computer: null in the snapshot until a backup made here names it', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-device-old-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {}, deviceName: 'desk-8', faults: { noDeviceInformation: true } });
  const cfg = join(dir, 'cfg');
  const core = await createAppCore({ configDir: cfg, url: emu.url });
  try {
    await emu.seed(2, { deviceName: 'elsewhere' });
    await core.start();
    assert.equal((await core.snapshot()).thisDevice, null, 'not guessed from the list or the host name');
    const finished = new Promise<void>((resolve) => core.on('event:history', (h) => h.length && resolve()));
    assert.ok((await core.handle('backups:create', undefined)).ok);
    await finished;
    assert.equal((await core.snapshot()).thisDevice, 'desk-8', 'the backup this machine made names it');
  } finally {
    await core.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
  // Kept in the settings folder: a new start knows it before PiecesOS is asked.
  const dir2 = await mkdtemp(join(tmpdir(), 'pb-core-device-kept-'));
  const emu2 = await startEmulator({ port: 0, dataDir: join(dir2, 'emu'), log: () => {}, faults: { noDeviceInformation: true } });
  await mkdir(join(dir2, 'cfg'), { recursive: true });
  await writeFile(join(dir2, 'cfg', 'device.json'), JSON.stringify({ name: 'desk-8', source: 'own-backup', learnedAt: '2026-11-28T00:00:00.000Z' }));
  const core2 = await createAppCore({ configDir: join(dir2, 'cfg'), url: emu2.url });
  try {
    assert.equal((await core2.snapshot()).thisDevice, 'desk-8');
  } finally {
    await core2.stop();
    await emu2.close();
    await rm(dir2, { recursive: true, force: true });
  }
});

test('a PiecesOS that does not answer when asked to name this computer holds no window: the snapshot answers with what was learned before', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-device-stall-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {}, deviceName: 'desk-10' });
  await emu.seed(2, { deviceName: 'elsewhere' });
  // In front of the emulator: every request passed on, except the device information, never answered.
  const held: ServerResponse[] = [];
  const front = await startServer((req, res, body) => {
    if (req.url === '/os/device/information') return void held.push(res);
    void fetch(emu.url + req.url, { method: req.method ?? 'GET', ...(body ? { body } : {}) }).then(async (r) => {
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await r.arrayBuffer()));
    }, () => res.destroy());
  });
  const cfg = join(dir, 'cfg');
  await mkdir(cfg, { recursive: true });
  await writeFile(join(cfg, 'device.json'), JSON.stringify({ name: 'desk-10', source: 'pieces-os', learnedAt: '2026-11-28T00:00:00.000Z' }));
  // The client's own timeout is far beyond the test's: only the snapshot's own bound lets it answer.
  const core = await createAppCore({ configDir: cfg, url: front.url, timeoutMs: 600_000 });
  try {
    await core.start();
    const snap = await core.snapshot();
    assert.equal(snap.backups?.length, 2);
    assert.equal(snap.thisDevice, 'desk-10');
    assert.ok(held.length >= 1, 'PiecesOS was asked');
  } finally {
    await core.stop();
    await front.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
});
