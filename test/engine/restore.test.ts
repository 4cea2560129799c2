// The engine's restores against the real parts: the HTTP client talking to the emulator over
// loopback (which restores for real over its source folder), real settings / history / lock /
// device files in a temp dir, and a real child process holding the backup lock. Only the engine's
// time is a ManualClock (it drives the schedule; the work itself runs in real time).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Faults, type RunningEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { ManualClock } from '../../main/engine/clock.js';
import { BackupEngine, type RunFinished } from '../../main/engine/engine.js';
import { openDeletionLog, openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { tryAcquireRunLock } from '../../main/engine/run-lock.js';
import { openSettings } from '../../main/settings/store.js';
import type { SettingsPatch } from '../../main/settings/schema.js';
import type { EngineState, HistoryEntry } from '../../main/engine/types.js';
import type { Backup } from '../../main/api/wire.js';
import { startLockHolder } from '../helpers/lock-children.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = new Date(2026, 10, 27, 9, 0, 0).getTime();

/** Every file under `dir` with its content, by relative path. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[relative(dir, p)] = await readFile(p, 'utf8');
  }
  return out;
}

interface RigOptions {
  settings?: SettingsPatch;
  faults?: Faults;
  bytesPerSecond?: number;
  deviceName?: string;
}

async function rig(t: TestContext, o: RigOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-restore-'));
  const cfg = join(dir, 'cfg');
  const source = join(dir, 'pieces-db');
  await mkdir(join(source, 'sub'), { recursive: true });
  const emuOpts = { dataDir: join(dir, 'emu'), source, log: () => undefined, ...(o.bytesPerSecond === undefined ? {} : { bytesPerSecond: o.bytesPerSecond }) };
  let emu: RunningEmulator = await startEmulator({ port: 0, ...emuOpts, deviceName: o.deviceName ?? 'laptop', faults: o.faults ?? {} });
  const port = emu.port;
  const client = createClient({ baseUrl: emu.url, timeoutMs: 5000, cancelTimeoutMs: 5000 });
  const clock = new ManualClock(START);
  const settings = openSettings({ configDir: cfg, now: () => clock.now() });
  await settings.update({ schedule: { kind: 'off' }, ...o.settings });
  await settings.setScheduleSetAt(new Date(START).toISOString());
  const history = openHistory(cfg);
  const identity = openDeviceIdentity(cfg, { now: () => clock.now() });
  const engine = new BackupEngine({
    api: async () => client, settings, history, clock, identity, deletions: openDeletionLog(cfg),
    runLock: () => tryAcquireRunLock(cfg),
  });
  const states: EngineState[] = [];
  engine.on('state', (s) => states.push(s));
  const finished: RunFinished[] = [];
  engine.on('run-finished', (f) => finished.push(f));
  const lists: string[][] = [];
  engine.on('backups', (l) => lists.push(l.map((b) => b.id)));
  t.after(async () => {
    await engine.stop();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    cfg, source, clock, client, settings, engine, identity, states, finished, lists,
    get emu() {
      return emu;
    },
    /** The same emulator folder, served as another device (the new-computer case). */
    async restartAs(deviceName: string, faults: Faults = {}) {
      await emu.close();
      emu = await startEmulator({ port, ...emuOpts, deviceName, faults });
    },
    async write(files: Record<string, string>) {
      for (const [name, text] of Object.entries(files)) await writeFile(join(source, name), text);
    },
    backups: (): Promise<Backup[]> => client.list(),
    files: () => filesOf(source),
    runs: async () => (await history.list()).reverse(),
    async backUp(): Promise<HistoryEntry> {
      const r = engine.backupNow('manual');
      assert.ok(r.started);
      return r.done;
    },
    async restore(id: string, safetyBackup?: boolean): Promise<HistoryEntry> {
      const r = await engine.restore(id, safetyBackup === undefined ? {} : { safetyBackup });
      assert.ok(r.started, JSON.stringify(r));
      return r.done;
    },
  };
}

test('a restore backs up the current data first, then puts the chosen backup in place; history, list and state say so', { timeout: 60_000 }, async (t) => {
  // An older PiecesOS that does not name this machine: the safety backup teaches it.
  const r = await rig(t, { faults: { noDeviceInformation: true } });
  await r.write({ 'notes.txt': 'monday', 'sub/snippet.ts': 'const a = 1;' });
  const monday = (await r.client.createStreamed())!; // made by another app (no identity learned here)
  await r.write({ 'notes.txt': 'tuesday', 'new.txt': 'made after the backup' });
  const tuesday = await r.files();
  assert.equal(await r.identity.known(), null);

  const entry = await r.restore(monday.id);
  assert.equal(entry.result, 'completed', JSON.stringify(entry));
  assert.equal(entry.trigger, 'restore');
  assert.equal(entry.backupId, monday.id);
  assert.equal(entry.bytes, monday.bytes);
  assert.ok(entry.safetyBackupId, 'the safety backup is named');
  assert.equal(entry.phase, undefined);
  // The data folder holds Monday's files exactly; the list holds the safety backup too.
  assert.deepEqual(await r.files(), { 'notes.txt': 'monday', 'sub/snippet.ts': 'const a = 1;' });
  const list = (await r.backups()).map((b) => b.id).sort();
  assert.deepEqual(list, [monday.id, entry.safetyBackupId!].sort());
  assert.deepEqual(r.lists.at(-1)!.sort(), list, "the window's list was refreshed");
  // The safety backup named this computer.
  assert.deepEqual(await r.identity.known().then((i) => i && [i.name, i.source]), ['laptop', 'own-backup']);
  // The state went through both steps, naming the backup being restored, and ended idle.
  const running = r.states.filter((s) => s.phase === 'running');
  assert.ok(running.every((s) => s.running?.kind === 'restore' && s.running.trigger === 'restore'));
  assert.deepEqual([...new Set(running.map((s) => s.running!.phase))], ['safety-backup', 'restore']);
  assert.deepEqual(running.at(-1)!.running!.restoring, { id: monday.id, deviceName: 'laptop', created: monday.created, bytes: monday.bytes });
  assert.equal(r.engine.getState().phase, 'idle');
  const done = r.finished.find((f) => f.entry.startedAt === entry.startedAt && f.entry.trigger === 'restore')!;
  assert.equal(done.restore?.target?.id, monday.id);
  assert.equal(done.restore?.safetyBackup?.id, entry.safetyBackupId);

  // Back to Tuesday from the safety backup, without another safety backup.
  const back = await r.restore(entry.safetyBackupId!, false);
  assert.equal(back.result, 'completed');
  assert.equal(back.safetyBackupId, undefined, 'no safety backup when not asked');
  assert.deepEqual(await r.files(), tuesday);
  assert.equal((await r.backups()).length, 2);
  assert.deepEqual((await r.runs()).map((e) => `${e.trigger}:${e.result}`), ['restore:completed', 'restore:completed']);
});

test('when the safety backup fails nothing is restored; the person may then restore without one', { timeout: 60_000 }, async (t) => {
  const r = await rig(t);
  await r.write({ 'notes.txt': 'monday' });
  const monday = (await r.client.createStreamed())!;
  await r.write({ 'notes.txt': 'tuesday' });
  r.emu.setFaults({ failAtPercent: 40 }); // PiecesOS fails the next piece of work part-way

  const failed = await r.restore(monday.id);
  assert.equal(failed.result, 'failed');
  assert.equal(failed.phase, 'safety-backup');
  assert.equal(failed.backupId, monday.id);
  assert.equal(failed.safetyBackupId, undefined);
  assert.match(failed.error?.message ?? '', /safety backup of your current data failed .*restore did not start; your Pieces data is unchanged/);
  assert.deepEqual(await r.files(), { 'notes.txt': 'tuesday' }, 'the data was not touched');
  assert.deepEqual((await r.backups()).map((b) => b.id), [monday.id], 'no safety backup was kept, nothing else made');
  assert.equal(r.engine.getState().lastError, null, 'a restore is not a failed backup');

  r.emu.setFaults({});
  const without = await r.restore(monday.id, false);
  assert.equal(without.result, 'completed');
  assert.equal(without.safetyBackupId, undefined);
  assert.deepEqual(await r.files(), { 'notes.txt': 'monday' });
  assert.deepEqual((await r.runs()).map((e) => `${e.result}:${e.phase ?? '-'}`), ['failed:safety-backup', 'completed:-']);
});

test('the setting decides when the caller does not: safetyBackupBeforeRestore off restores without one', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { settings: { safetyBackupBeforeRestore: false } });
  await r.write({ 'notes.txt': 'monday' });
  const monday = (await r.client.createStreamed())!;
  await r.write({ 'notes.txt': 'tuesday' });
  const entry = await r.restore(monday.id);
  assert.equal(entry.result, 'completed');
  assert.equal(entry.safetyBackupId, undefined);
  assert.equal((await r.backups()).length, 1);
  await r.settings.update({ safetyBackupBeforeRestore: true });
  const again = await r.restore(monday.id);
  assert.ok(again.safetyBackupId);
});

test('an unknown backup id starts nothing: no safety backup, data unchanged, recorded as failed', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  await r.write({ 'notes.txt': 'today' });
  const entry = await r.restore('no-such-backup');
  assert.equal(entry.result, 'failed');
  assert.equal(entry.error?.kind, 'http');
  assert.equal(entry.backupId, 'no-such-backup');
  assert.deepEqual(await r.backups(), []);
  assert.deepEqual(await r.files(), { 'notes.txt': 'today' });
});

test('single flight: no backup or second restore while a restore runs; a scheduled backup due meanwhile runs right after it', { timeout: 60_000 }, async (t) => {
  // ~60 KB at 30 KB/s: each piece of work takes about two seconds of real time.
  const r = await rig(t, { settings: { schedule: { kind: 'hourly' } }, bytesPerSecond: 30_000 });
  await r.write({ 'notes.txt': 'x'.repeat(60_000) });
  const monday = (await r.client.createStreamed())!;
  await r.engine.start();
  await r.clock.advance(HOUR - MIN); // 09:59
  const started = await r.engine.restore(monday.id, { safetyBackup: false });
  assert.ok(started.started);
  await waitFor(() => r.engine.getState().phase === 'running', 'the restore to run');

  assert.deepEqual(r.engine.backupNow('manual'), { started: false, reason: 'already-running' });
  const second = await r.engine.restore(monday.id);
  assert.equal(second.started, false);
  assert.match(second.started ? '' : second.message, /restore is running/);
  await r.clock.advance(2 * MIN); // 10:00 strikes while the restore runs
  assert.equal(r.engine.getState().running?.kind, 'restore', 'the restore was still running at 10:00');
  assert.equal((await r.backups()).length, 1, 'no backup during the restore');

  assert.equal((await started.done).result, 'completed');
  await waitFor(() => r.engine.getState().running === null && r.engine.getState().lastSuccess !== null, 'the deferred scheduled backup');
  const runs = await r.runs();
  assert.deepEqual(runs.map((e) => `${e.trigger}:${e.result}`), ['restore:completed', 'scheduled:completed'], 'no skipped backup: it ran after the restore');
  assert.equal((await r.backups()).length, 2);
  assert.equal(Date.parse(r.engine.getState().nextRun!), START + 2 * HOUR, 'the schedule goes on');
});

test('across processes: a restore that finds the backup lock held is refused at once, naming the holder, and touches nothing', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  await r.write({ 'notes.txt': 'monday' });
  const monday = (await r.client.createStreamed())!;
  await r.write({ 'notes.txt': 'tuesday' });
  const holder = await startLockHolder(r.cfg, (fn) => t.after(fn));
  const refused = await r.engine.restore(monday.id);
  assert.equal(refused.started, false);
  assert.equal(refused.started ? '' : refused.reason, 'already-running');
  assert.match(refused.started ? '' : refused.message, new RegExp(`process ${holder.pid}.*restore did not start`));
  assert.deepEqual(await r.files(), { 'notes.txt': 'tuesday' });
  assert.equal((await r.backups()).length, 1, 'no safety backup either');
  const runs = await r.runs();
  assert.deepEqual(runs.map((e) => `${e.trigger}:${e.result}:${e.error?.kind}`), ['restore:skipped:already-running']);
  assert.equal(r.engine.getState().phase, 'idle', 'it does not wait');
  await holder.exit();
  assert.equal((await r.restore(monday.id)).result, 'completed', 'once the lock is free it runs');
});

test('while a restore holds the lock, another process on the same folder (the daemon) waits to back up until it is done', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { bytesPerSecond: 30_000 });
  await r.write({ 'notes.txt': 'y'.repeat(60_000) });
  const monday = (await r.client.createStreamed())!;
  // A second engine on the same settings folder, as the daemon would run it.
  const other = new BackupEngine({
    api: async () => r.client, settings: openSettings({ configDir: r.cfg }), history: openHistory(r.cfg), clock: r.clock,
    identity: openDeviceIdentity(r.cfg), runLock: () => tryAcquireRunLock(r.cfg),
  });
  t.after(() => other.stop());
  const restore = await r.engine.restore(monday.id, { safetyBackup: false });
  assert.ok(restore.started);
  const waiting = other.backupNow('scheduled');
  assert.ok(waiting.started);
  assert.equal((await waiting.done).result, 'skipped');
  assert.equal(other.getState().phase, 'waiting');
  assert.equal(other.getState().waiting?.heldBy.pid, process.pid);
  assert.equal((await restore.done).result, 'completed');
  assert.equal((await r.backups()).length, 1, 'nothing backed up during the restore');
});

test('cancel() during the restore step: PiecesOS cancels it, the original data stays, recorded canceled', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  await r.write({ 'notes.txt': 'monday', 'big.txt': 'z'.repeat(200_000) });
  const monday = (await r.client.createStreamed())!;
  await r.write({ 'notes.txt': 'tuesday' });
  const before = await r.files();
  r.emu.setFaults({ stallAtPercent: 50 }); // the restore stands still half way
  const started = await r.engine.restore(monday.id, { safetyBackup: false });
  assert.ok(started.started);
  await waitFor(() => (r.engine.getState().running?.percentage ?? 0) > 0, 'restore progress');
  assert.equal(r.engine.cancel(), true);
  const entry = await started.done;
  assert.equal(entry.result, 'canceled');
  assert.equal(entry.phase, 'restore');
  assert.equal(entry.backupId, monday.id);
  assert.match(entry.error?.message ?? '', /canceled.*PiecesOS confirmed it and put the original data back/);
  assert.equal(r.finished.at(-1)!.restore?.cancelConfirmed, true);
  r.emu.setFaults({});
  assert.deepEqual(await r.files(), before);
  assert.equal(r.engine.cancel(), false, 'nothing left to cancel');
});

test('cancel() during the safety backup: the restore never starts, no safety backup is kept', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  await r.write({ 'notes.txt': 'monday', 'big.txt': 'z'.repeat(200_000) });
  const monday = (await r.client.createStreamed())!;
  await r.write({ 'notes.txt': 'tuesday' });
  const before = await r.files();
  r.emu.setFaults({ stallAtPercent: 50 });
  const started = await r.engine.restore(monday.id);
  assert.ok(started.started);
  await waitFor(() => r.engine.getState().running?.phase === 'safety-backup' && (r.engine.getState().running?.percentage ?? 0) > 0, 'safety backup progress');
  assert.equal(r.engine.cancel(), true);
  const entry = await started.done;
  assert.equal(entry.result, 'canceled');
  assert.equal(entry.phase, 'safety-backup');
  assert.match(entry.error?.message ?? '', /safety backup was canceled, so the restore did not start/);
  r.emu.setFaults({});
  await waitFor(async () => !((await (await fetch(`${r.emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy, 'the emulator to drop the canceled backup');
  assert.deepEqual((await r.backups()).map((b) => b.id), [monday.id]);
  assert.deepEqual(await r.files(), before);
});

test('cancel() during a backup ends it canceled and PiecesOS keeps nothing', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { faults: { stallAtPercent: 50 } });
  await r.write({ 'big.txt': 'z'.repeat(200_000) });
  assert.equal(r.engine.cancel(), false, 'nothing runs yet');
  const run = r.engine.backupNow();
  assert.ok(run.started);
  await waitFor(() => (r.engine.getState().running?.percentage ?? 0) > 0, 'backup progress');
  assert.equal(r.engine.getState().running?.kind, 'backup');
  assert.equal(r.engine.cancel(), true);
  const entry = await run.done;
  assert.equal(entry.result, 'canceled');
  assert.equal(entry.error?.message, 'The backup was canceled.');
  assert.equal(r.engine.getState().retry, null, 'a canceled backup is not retried');
  r.emu.setFaults({});
  await waitFor(async () => !((await (await fetch(`${r.emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy, 'the emulator to drop the canceled backup');
  assert.deepEqual(await r.backups(), []);
});

test('restores are not backups: after a restart the last backup and last error come from backup runs only', { timeout: 30_000 }, async (t) => {
  const r = await rig(t);
  const at = (h: number) => new Date(START - h * HOUR).toISOString();
  const history = openHistory(r.cfg);
  await history.record({ trigger: 'manual', result: 'completed', startedAt: at(5), finishedAt: at(5), backupId: 'b1', bytes: 10 });
  await history.record({ trigger: 'restore', result: 'failed', startedAt: at(2), finishedAt: at(2), backupId: 'b0', phase: 'restore', error: { kind: 'http', message: 'x' } });
  await history.record({ trigger: 'restore', result: 'completed', startedAt: at(1), finishedAt: at(1), backupId: 'b0', safetyBackupId: 's1' });
  await r.engine.start();
  assert.deepEqual(r.engine.getState().lastSuccess, { at: at(5), bytes: 10, backupId: 'b1' });
  assert.equal(r.engine.getState().lastError, null);
  assert.equal(r.engine.getState().phase, 'idle');
});

test("retention keeps the safety backup until a newer backup of this computer exists, also after restoring another computer's backup", { timeout: 60_000 }, async (t) => {
  // The old computer made a backup; this (new) computer then restores it, the case that matters most.
  const r = await rig(t, { deviceName: 'desktop', settings: { retention: { enabled: true, keepLast: 1, maxAgeDays: null, includeOtherDevices: true } } });
  await r.write({ 'notes.txt': 'the old computer' });
  const old = (await r.client.createStreamed())!;
  await r.restartAs('laptop');
  await r.write({ 'notes.txt': 'the new computer, day 1' });
  const day1 = (await r.client.createStreamed())!;
  await sleep(5); // distinct creation times
  await r.write({ 'notes.txt': 'the new computer, day 2' });
  const day2 = (await r.client.createStreamed())!;
  // Ages are judged on the engine's clock against dates the emulator stamps in real time.
  r.clock.jump(Date.now() - r.clock.now());
  await r.engine.start();

  const entry = await r.restore(old.id);
  assert.equal(entry.result, 'completed');
  assert.deepEqual(await r.files(), { 'notes.txt': 'the old computer' });
  const safety = entry.safetyBackupId!;
  const policy = r.settings.get().retention;
  const plan = await r.engine.previewRetention(policy);
  assert.equal(plan.thisDevice, 'laptop');
  assert.deepEqual(plan.delete.map((b) => b.id).sort(), [day1.id, day2.id].sort(), 'the older backups of this computer go');
  assert.ok(plan.keep.some((b) => b.id === safety), 'the safety backup is the newest of this computer: kept');
  assert.ok(plan.keep.some((b) => b.id === old.id), "the restored backup is the other computer's newest: kept");
  // The same with retention limited to this computer.
  const mine = await r.engine.previewRetention({ ...policy, includeOtherDevices: false });
  assert.ok(!mine.delete.some((b) => b.id === safety));

  // A newer backup of this computer: now retention may let the safety backup go.
  const next = await r.backUp();
  assert.equal(next.result, 'completed');
  const left = (await r.backups()).map((b) => b.id).sort();
  assert.deepEqual(left, [next.backupId!, old.id].sort());
});
