// Restores through the IPC channels of AppCore (what the window and the tray call), against the
// emulator's real restores over loopback: started, refused while a run is in flight, canceled,
// and the notification for each outcome (which backup is in place; what to do; data kept).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Faults } from '../../emulator/server.js';
import { createAppCore, type FullAppCore } from '../../main/core/app-core.js';
import { createClient } from '../../main/api/client.js';
import type { Notice } from '../../main/core/types.js';
import type { Backup } from '../../main/api/wire.js';
import { formatDateTimeIso } from '../../main/shared/time-format.js';

async function waitFor(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(5);
  }
}

async function rig(t: TestContext, faults: Faults = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-core-restore-'));
  const source = join(dir, 'db');
  await mkdir(source);
  await writeFile(join(source, 'notes.txt'), 'monday');
  await writeFile(join(source, 'big.txt'), 'z'.repeat(200_000));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), source, deviceName: 'old-laptop', log: () => undefined });
  const client = createClient({ baseUrl: emu.url });
  const monday = (await client.createStreamed())!;
  emu.setFaults(faults);
  await writeFile(join(source, 'notes.txt'), 'tuesday');
  const core: FullAppCore = await createAppCore({ configDir: join(dir, 'cfg'), url: emu.url });
  const notices: Notice[] = [];
  core.onNotice((n) => notices.push(n));
  const lists: Backup[][] = [];
  core.on('event:backups', (l) => lists.push(l));
  t.after(async () => {
    await core.stop();
    client.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  await core.handle('settings:update', { schedule: { kind: 'off' } });
  await core.start();
  const finished = () => new Promise<void>((resolve) => {
    const off = core.engine.on('run-finished', (f) => {
      if (f.entry.trigger === 'restore') {
        off();
        resolve();
      }
    });
  });
  return { emu, core, monday, notices, lists, notes: () => readFile(join(source, 'notes.txt'), 'utf8'), finished };
}

test('backups:restore starts a restore; the notice says which backup is now in place and that the old data was backed up first', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  const done = r.finished();
  assert.deepEqual(await r.core.handle('backups:restore', { id: r.monday.id, safetyBackup: true }), { ok: true, value: { started: true } });
  await done;
  assert.equal(await r.notes(), 'monday');
  const n = r.notices.at(-1)!;
  assert.equal(n.kind, 'restore-finished');
  assert.equal(n.title, 'Restore complete');
  assert.ok(n.body.includes(`the backup from old-laptop, ${formatDateTimeIso(r.monday.created)}`), n.body);
  assert.match(n.body, /The data it replaced was backed up first \(old-laptop, .*\): restore that backup to go back\./);
  await waitFor(() => r.lists.some((l) => l.length === 2), 'the refreshed list with the safety backup');
  const history = await r.core.handle('history:list', undefined);
  assert.ok(history.ok);
  assert.equal((history.value as Array<{ trigger: string }>)[0]!.trigger, 'restore');
});

test('a restore while a run is in flight is refused (already-running), and so is Back up now during a restore, saying why', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { stallAtPercent: 50 });
  const created = await r.core.handle('backups:create', undefined);
  assert.ok(created.ok);
  await waitFor(() => r.core.current().state.phase === 'running', 'the backup to run');
  const refused = await r.core.handle('backups:restore', { id: r.monday.id, safetyBackup: false });
  assert.equal(refused.ok ? '' : refused.error.kind, 'already-running');
  assert.match(refused.ok ? '' : refused.error.message, /backup is running/);
  assert.deepEqual(await r.core.handle('run:cancel', undefined), { ok: true, value: { canceled: true } });
  await waitFor(() => r.core.current().state.running === null, 'the canceled backup to end');

  const started = await r.core.handle('backups:restore', { id: r.monday.id, safetyBackup: false });
  assert.ok(started.ok, JSON.stringify(started));
  const restoring = () => {
    const run = r.core.current().state.running;
    return run?.restoring !== undefined && (run.percentage ?? 0) > 0;
  };
  await waitFor(restoring, 'the restore to make progress');
  const backup = await r.core.handle('backups:create', undefined);
  assert.equal(backup.ok ? '' : backup.error.kind, 'already-running');
  assert.match(backup.ok ? '' : backup.error.message, /restore is running/);
  const done = r.finished();
  assert.deepEqual(await r.core.handle('run:cancel', undefined), { ok: true, value: { canceled: true } });
  await done;
  assert.equal(await r.notes(), 'tuesday', 'the original data stays');
  const n = r.notices.at(-1)!;
  assert.deepEqual([n.kind, n.title], ['restore-failed', 'Restore canceled']);
  assert.match(n.body, /PiecesOS confirmed it and put the original data back/);
  assert.deepEqual(await r.core.handle('run:cancel', undefined), { ok: true, value: { canceled: false } }, 'nothing left to cancel');
});

test('a failed safety backup: the notice says the restore did not start, why, and how to restore without it', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  r.emu.setFaults({ failAtPercent: 30 });
  const done = r.finished();
  assert.ok((await r.core.handle('backups:restore', { id: r.monday.id, safetyBackup: true })).ok);
  await done;
  assert.equal(await r.notes(), 'tuesday');
  const n = r.notices.at(-1)!;
  assert.equal(n.kind, 'safety-backup-failed');
  assert.equal(n.title, 'Restore not started: the safety backup failed');
  assert.match(n.body, /safety backup of your current data failed \(.+\), so the restore did not start; your Pieces data is unchanged/);
  assert.match(n.body, /untick “Back up the current data first”/);
});

test('a failed restore: the notice says the original data was kept and what to do', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  r.emu.setFaults({ failAtPercent: 30 });
  const done = r.finished();
  assert.ok((await r.core.handle('backups:restore', { id: r.monday.id, safetyBackup: false })).ok);
  await done;
  assert.equal(await r.notes(), 'tuesday');
  const n = r.notices.at(-1)!;
  assert.deepEqual([n.kind, n.title], ['restore-failed', 'Restore failed']);
  assert.match(n.body, /PiecesOS keeps or puts back the original data .* Check your data in Pieces, then try again\./);
});

test('restore payloads are validated: no id, an empty id or a missing choice are refused before anything runs', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  for (const bad of [undefined, {}, { id: '' }, { id: r.monday.id }, { id: r.monday.id, safetyBackup: 'yes' }, { id: r.monday.id, safetyBackup: true, extra: 1 }]) {
    const answer = await r.core.handle('backups:restore', bad);
    assert.equal(answer.ok ? '' : answer.error.kind, 'invalid-request', JSON.stringify(bad));
  }
  assert.equal((await r.core.handle('run:cancel', { now: true })).ok, false);
  assert.equal(r.core.current().state.running, null);
  assert.equal(await r.notes(), 'tuesday');
});

test("a restore's notice is never held back by the backups' rate limit", async () => {
  const { createNoticePolicy } = await import('../../main/core/notices.js');
  const { ManualClock } = await import('../../main/engine/clock.js');
  const { DEFAULT_SETTINGS } = await import('../../main/settings/schema.js');
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 9));
  const policy = createNoticePolicy({ settings: () => ({ ...DEFAULT_SETTINGS, notifications: { onFailure: true, onSuccess: true, afterCatchUp: true } }), clock });
  const at = new Date(clock.now()).toISOString();
  const backup = (result: 'completed' | 'failed') => policy.fromRun({
    entry: { trigger: 'manual', result, startedAt: at, finishedAt: at, ...(result === 'failed' ? { error: { kind: 'http' as const, message: 'Boom.' } } : {}) }, retryAt: null, attempt: 0,
  });
  // Flapping backups use up the hour's notices…
  let shown = 0;
  for (let i = 0; i < 20; i++) {
    await clock.advance(16 * 60_000 / 8);
    if (backup(i % 2 ? 'failed' : 'completed')) shown++;
  }
  assert.ok(shown < 20, 'the backups were rate-limited');
  assert.equal(backup('completed'), null);
  // …yet each restore the person asked for is still told, twice in a row too.
  const restore = (result: 'completed' | 'failed') => policy.fromRun({
    entry: { trigger: 'restore', result, startedAt: at, finishedAt: at, backupId: 'b1', bytes: 1, phase: result === 'failed' ? 'restore' : undefined, ...(result === 'failed' ? { error: { kind: 'http' as const, message: 'The restore failed.' } } : {}) } as never,
    retryAt: null, attempt: 0,
  });
  assert.equal(restore('failed')?.kind, 'restore-failed');
  assert.equal(restore('completed')?.kind, 'restore-finished');
});
