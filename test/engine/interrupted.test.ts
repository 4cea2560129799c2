// Runs ended by a shutdown, a log-out or a crash (main/engine/interrupted.ts): real marker files in
// a temp settings folder, real dead processes, the real history store; and the whole thing end to
// end: a real core in a child process killed (SIGKILL, as a shutdown would) in the middle of a
// backup against the emulator, then a new core on the same folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { INTERRUPTED_NOTE, RUN_MARKER_FILE, openRunMarkers, recordInterruptedRun, trackRunsForInterruption } from '../../main/engine/interrupted.js';
import { openHistory } from '../../main/engine/history.js';
import type { HistoryEntry } from '../../main/engine/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The pid of a process that has just exited: a run's owner that is gone. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

async function folder(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-interrupted-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const marker = (pid: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({ trigger: 'scheduled', startedAt: '2026-11-27T12:00:00.000Z', pid, host: hostname(), ...over });

test('a run whose process is gone is recorded once as interrupted, and its marker removed', async (t) => {
  const dir = await folder(t);
  await writeFile(join(dir, RUN_MARKER_FILE), marker(deadPid()));
  const history = openHistory(dir);
  // Several processes starting at once (the app and the daemon) record it once.
  const results = await Promise.all([recordInterruptedRun(dir, history), recordInterruptedRun(dir, history), recordInterruptedRun(dir, history)]);
  assert.equal(results.filter(Boolean).length, 1);
  const list = await history.list();
  assert.deepEqual(list, [{ trigger: 'scheduled', result: 'interrupted', startedAt: '2026-11-27T12:00:00.000Z', finishedAt: '2026-11-27T12:00:00.000Z', note: INTERRUPTED_NOTE }]);
  assert.equal(existsSync(join(dir, RUN_MARKER_FILE)), false);
  assert.equal(await recordInterruptedRun(dir, history), null, 'nothing more at the next start');
});

test('a run still going on in a live process is left alone; a run already recorded is not recorded twice', async (t) => {
  const dir = await folder(t);
  const history = openHistory(dir);
  await writeFile(join(dir, RUN_MARKER_FILE), marker(process.pid, { start: undefined }));
  assert.equal(await recordInterruptedRun(dir, history), null);
  assert.ok(existsSync(join(dir, RUN_MARKER_FILE)), 'the live run keeps its marker');

  // Died between writing its history entry and removing the marker.
  const done: HistoryEntry = { trigger: 'scheduled', result: 'completed', startedAt: '2026-11-27T12:00:00.000Z', finishedAt: '2026-11-27T12:03:00.000Z', bytes: 1 };
  await history.record(done);
  await writeFile(join(dir, RUN_MARKER_FILE), marker(deadPid()));
  assert.equal(await recordInterruptedRun(dir, history), null);
  assert.deepEqual(await history.list(), [done]);
  assert.equal(existsSync(join(dir, RUN_MARKER_FILE)), false);

  await writeFile(join(dir, RUN_MARKER_FILE), '{ torn');
  assert.equal(await recordInterruptedRun(dir, history), null, 'a corrupt marker is dropped, never fatal');
  assert.equal(existsSync(join(dir, RUN_MARKER_FILE)), false);
});

test('the marker follows the engine: written when a run starts, removed once it is recorded, untouched by other runs', async (t) => {
  const dir = await folder(t);
  const engine = new EventEmitter();
  const on = (event: string, l: (p: any) => void) => { engine.on(event, l); return () => engine.off(event, l); };
  const stop = trackRunsForInterruption({ on } as never, dir);
  t.after(stop);
  const path = join(dir, RUN_MARKER_FILE);
  const settle = () => sleep(50);
  engine.emit('run-started', { trigger: 'manual', startedAt: '2026-11-28T10:00:00.000Z', kind: 'backup' });
  await settle();
  const m = JSON.parse(await readFile(path, 'utf8'));
  assert.deepEqual([m.trigger, m.startedAt, m.pid, m.host], ['manual', '2026-11-28T10:00:00.000Z', process.pid, hostname()]);
  // A skipped run (another one waited) finishes without having started: the marker stays.
  engine.emit('run-finished', { entry: { trigger: 'scheduled', result: 'skipped', startedAt: '2026-11-28T10:00:05.000Z', finishedAt: '2026-11-28T10:00:05.000Z' } });
  await settle();
  assert.ok(existsSync(path));
  engine.emit('run-finished', { entry: { trigger: 'manual', result: 'completed', startedAt: '2026-11-28T10:00:00.000Z', finishedAt: '2026-11-28T10:01:00.000Z' } });
  await settle();
  assert.equal(existsSync(path), false);
  // Markers of another process are never removed by this one.
  await writeFile(path, marker(process.pid + 1, { startedAt: '2026-11-28T10:00:00.000Z' }));
  await openRunMarkers(dir).finished({ startedAt: '2026-11-28T10:00:00.000Z' });
  assert.ok(existsSync(path));
});

test('a core killed during a backup: the next core records the run as interrupted and catches up the scheduled time it missed', async (t) => {
  const dir = await folder(t);
  const configDir = join(dir, 'config');
  await mkdir(configDir, { recursive: true });
  const { startEmulator } = await import('../../emulator/server.js');
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
  // A slow PiecesOS for the run that is killed, a fast one (same data) for the next start.
  const emulator = await startEmulator({ port: 0, dataDir: join(dir, 'emulator'), source, bytesPerSecond: 256 * 1024, log: () => {} });
  t.after(() => emulator.close());
  const fast = await startEmulator({ port: 0, dataDir: join(dir, 'emulator-fast'), source, log: () => {} });
  t.after(() => fast.close());

  // Daily at a time that passed ten minutes ago; the last success was the day before at that time,
  // so today's scheduled backup is missed and caught up at start.
  const fire = new Date(Date.now() - 10 * 60_000);
  fire.setSeconds(0, 0);
  const time = `${String(fire.getHours()).padStart(2, '0')}:${String(fire.getMinutes()).padStart(2, '0')}`;
  const { openSettings } = await import('../../main/settings/store.js');
  const settings = openSettings({ configDir });
  await settings.update({ schedule: { kind: 'daily', time }, catchUp: true });
  await settings.setScheduleSetAt(new Date(fire.getTime() - 3 * 86_400_000).toISOString());
  await openHistory(configDir).record({ trigger: 'scheduled', result: 'completed', startedAt: new Date(fire.getTime() - 86_400_000).toISOString(), finishedAt: new Date(fire.getTime() - 86_400_000 + 60_000).toISOString(), bytes: 1, backupId: 'yesterday' });

  // The first core catches up the scheduled time at start, and is killed in the middle of it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/engine/fixtures/back-up-and-hang.ts', configDir, emulator.url], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 400 && !out.includes('running'); i++) await sleep(50);
  assert.ok(out.includes('running'), `the first core started its backup:\n${out}\n${err}`);
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(join(configDir, RUN_MARKER_FILE)), 'the killed run left its marker');

  // The next start.
  const { createAppCore } = await import('../../main/core/app-core.js');
  const core = await createAppCore({ configDir, url: fast.url, log: () => {} });
  t.after(() => core.stop());
  await core.start();
  const history = openHistory(configDir);
  let list: HistoryEntry[] = [];
  for (let i = 0; i < 600 && !list.some((e) => e.trigger === 'catch-up' && e.result === 'completed'); i++) {
    await sleep(50);
    list = await history.list();
  }
  const interrupted = list.find((e) => e.result === 'interrupted');
  assert.ok(interrupted, `the killed run is in the history: ${JSON.stringify(list)}`);
  assert.equal(interrupted.trigger, 'catch-up');
  assert.equal(interrupted.note, INTERRUPTED_NOTE);
  assert.ok(list.some((e) => e.trigger === 'catch-up' && e.result === 'completed'), `the missed scheduled time was caught up: ${JSON.stringify(list)}`);
  // The marker goes after the run's history entry is written (interrupted.ts), not with it.
  for (let i = 0; i < 100 && existsSync(join(configDir, RUN_MARKER_FILE)); i++) await sleep(50);
  assert.equal(existsSync(join(configDir, RUN_MARKER_FILE)), false, 'the finished run removed its marker');
});
