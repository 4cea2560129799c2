// `pieces-backup restore` end to end: the built binary against the emulator over loopback, whose
// local "database" (its sample-db folder) is really replaced by the backup's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { runCliProcess, startCli, jsonLines, type CliRun } from '../helpers/cli.js';
import type { ChildProcess } from 'node:child_process';
import { useEmulatorEnv } from '../helpers/emulator-env.js';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
const shared = useEmulatorEnv('restore', { log: () => {} });
/** The emulator's local database, which a restore replaces. */
const dbDir = () => join(shared.dataDir, 'sample-db');

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCliProcess(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args], env);

/** Every file of a folder, by relative path, as a hash of its bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[relative(dir, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
  }
  return out;
}

async function list(): Promise<Array<{ id: string; deviceName: string }>> {
  const r = await cli(['--json', 'list']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ id: string; deviceName: string }>;
}

async function historyTop(): Promise<Record<string, unknown> | undefined> {
  const r = await cli(['--json', 'history']);
  return (JSON.parse(r.stdout) as Array<Record<string, unknown>>)[0];
}

/** A backup of the data as it is now, then a change to the data, so a restore visibly goes back. */
async function backupThenChange(tag: string): Promise<{ id: string; files: Record<string, string>; changed: Record<string, string> }> {
  const files = await snapshot(dbDir());
  const r = await cli(['--json', 'create']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const { id } = JSON.parse(r.stdout) as { id: string };
  await writeFile(join(dbDir(), `added-after-backup-${tag}.txt`), `written after backup ${id}\n`);
  const changed = await snapshot(dbDir());
  assert.notDeepEqual(changed, files);
  return { id, files, changed };
}

const KEYS = ['bytes', 'created', 'deviceName', 'id', 'platform', 'timestamp', 'version'];

test('restore --json --stream --yes: safety backup progress, then restore progress, then done; the data folder holds the backup\'s files', async () => {
  const { id, files } = await backupThenChange('a');
  const before = await list();
  const r = await cli(['--json', 'restore', id, '--stream', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = jsonLines(r.stdout);
  const last = events.at(-1)!;
  assert.equal(last.event, 'done');
  assert.equal(last.status, 'COMPLETED');
  assert.equal((last.backup as { id: string }).id, id);
  assert.deepEqual(Object.keys(last.backup as object).sort(), KEYS);
  const safety = last.safetyBackup as { id: string } | null;
  assert.ok(safety, 'a safety backup was made');
  assert.deepEqual(Object.keys(safety).sort(), KEYS);

  const progress = events.slice(0, -1);
  for (const p of progress) {
    assert.equal(p.event, 'progress');
    assert.deepEqual(Object.keys(p), ['event', 'phase', 'status', 'percentage']);
  }
  const phases = progress.map((p) => p.phase);
  const firstRestore = phases.indexOf('restore');
  assert.ok(firstRestore > 0, 'safety-backup values come first');
  assert.ok(phases.slice(0, firstRestore).every((p) => p === 'safety-backup'));
  assert.ok(phases.slice(firstRestore).every((p) => p === 'restore'), 'then only restore values');
  assert.ok(progress.some((p) => p.phase === 'restore' && p.status === 'IN-PROGRESS'), 'live restore progress');

  assert.deepEqual(await snapshot(dbDir()), files, 'the data folder holds the restored backup\'s files');
  const after = await list();
  assert.equal(after.length, before.length + 1, 'one backup more: the safety backup');
  assert.ok(after.some((b) => b.id === safety.id));

  const h = await historyTop();
  assert.equal(h?.trigger, 'restore');
  assert.equal(h?.result, 'completed');
  assert.equal(h?.backupId, id);
  assert.equal(h?.safetyBackupId, safety.id);
  assert.equal(typeof h?.bytes, 'number');

  // The safety backup named this computer (retention's "this device").
  const device = JSON.parse(await readFile(join(shared.configDir, 'device.json'), 'utf8')) as { name: string };
  assert.equal(device.name, after.find((b) => b.id === safety.id)!.deviceName);
});

test('the safety backup holds the data the restore replaced', async () => {
  const { id: old } = await backupThenChange('b');
  const current = await snapshot(dbDir());
  const r = await cli(['--json', 'restore', old, '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const done = JSON.parse(r.stdout) as { event: string; safetyBackup: { id: string } };
  assert.equal(done.event, 'done', 'without --stream: the done object alone');
  // Putting the safety backup back brings the replaced data back.
  const back = await cli(['--json', 'restore', done.safetyBackup.id, '--yes', '--no-safety-backup']);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  assert.deepEqual(await snapshot(dbDir()), current);
});

test('--no-safety-backup makes none: no safety-backup phase, safetyBackup null, the backup count unchanged', async () => {
  const { id, files } = await backupThenChange('c');
  const before = await list();
  const r = await cli(['--json', 'restore', id, '--stream', '--yes', '--no-safety-backup']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = jsonLines(r.stdout);
  assert.equal(events.at(-1)!.safetyBackup, null);
  assert.ok(events.slice(0, -1).every((p) => p.phase === 'restore'));
  assert.equal((await list()).length, before.length);
  assert.deepEqual(await snapshot(dbDir()), files);
  const h = await historyTop();
  assert.equal(h?.result, 'completed');
  assert.equal(h?.safetyBackupId, undefined);
});

test('without --yes off a terminal: refused with exit 2, saying to add --yes; nothing started', async () => {
  const { id, changed } = await backupThenChange('d');
  const before = await list();
  const historyBefore = await historyTop();
  for (const json of [true, false]) {
    const r = await cli([...(json ? ['--json'] : []), 'restore', id, '--stream']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const message = json ? (JSON.parse(r.stdout) as { kind: string; message: string }).message : r.stderr;
    if (json) assert.equal(JSON.parse(r.stdout).kind, 'usage');
    assert.match(message, /--yes/);
    assert.doesNotMatch(r.stdout, /progress/);
  }
  assert.deepEqual(await list(), before, 'no safety backup');
  assert.deepEqual(await snapshot(dbDir()), changed, 'data untouched');
  assert.deepEqual(await historyTop(), historyBefore, 'no run recorded');
});

test('an unknown id: exit 1, kind http (404), nothing started, no safety backup', async () => {
  const before = await list();
  const { changed } = { changed: await snapshot(dbDir()) };
  const historyBefore = await historyTop();
  const r = await cli(['--json', 'restore', 'no-such-backup', '--stream', '--yes']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const events = jsonLines(r.stdout);
  assert.equal(events.length, 1, 'no progress: only the error');
  assert.equal(events[0]!.event, 'error');
  assert.equal(events[0]!.kind, 'http');
  assert.match(events[0]!.message as string, /no-such-backup|404|not found/i);
  assert.equal((await list()).length, before.length, 'no safety backup made');
  assert.deepEqual(await snapshot(dbDir()), changed);
  assert.deepEqual(await historyTop(), historyBefore);

  const human = await cli(['restore', 'no-such-backup', '--yes']);
  assert.equal(human.code, 1);
  assert.equal(human.stdout, '');
  assert.match(human.stderr, /^pieces-backup: /);
});

test('restore --stream for a person (no terminal): a heading per step and progress lines, then one summary', async () => {
  const { id } = await backupThenChange('e');
  const r = await cli(['restore', id, '--stream', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  const backingUp = lines.findIndex((l) => /^Backing up the current data first/.test(l));
  const restoring = lines.findIndex((l) => /^Restoring the backup from .+ \([A-Z][a-z]{2} \d{1,2}(?:, \d{4})?, \d{1,2}:\d\d(?:\s?[AP]M)?\)$/.test(l));
  assert.ok(backingUp >= 0 && restoring > backingUp, r.stdout);
  assert.ok(lines.slice(restoring + 1).some((l) => /^IN-PROGRESS \d+ %$/.test(l)), r.stdout);
  assert.match(lines.at(-1)!, new RegExp(`^Restored the backup from .+ id ${id}\\)\\. The data it replaced is in the safety backup \\S+\\.$`));
});

test('restore refuses while another process holds the backup lock (exit 1, already-running), nothing started', async () => {
  const { id, changed } = await backupThenChange('f');
  const before = await list();
  const { tryAcquireRunLock } = await import('../../main/engine/run-lock.js');
  const got = await tryAcquireRunLock(shared.configDir);
  assert.ok('lock' in got);
  try {
    const r = await cli(['--json', 'restore', id, '--yes']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).kind, 'already-running');
  } finally {
    await got.lock.release();
  }
  assert.equal((await list()).length, before.length);
  assert.deepEqual(await snapshot(dbDir()), changed);
});

/** Resolves with the first JSON line on the child's stdout that matches. */
function firstLine(child: ChildProcess, match: (e: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      if (lines.some((l) => l.trim() !== '' && match(JSON.parse(l) as Record<string, unknown>))) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
  });
}

/** A slow emulator (the restore takes seconds) sharing nothing with the others. */
async function withSlowEmulator(fn: (slow: Emu, db: string, config: string) => Promise<void>): Promise<void> {
  const d = await mkdtemp(join(tmpdir(), 'pb-restore-slow-'));
  const c = await mkdtemp(join(tmpdir(), 'pb-restore-slow-config-'));
  const slow = await startEmulator({ port: 0, dataDir: d, bytesPerSecond: 300_000, log: () => {} });
  try {
    await fn(slow, join(d, 'sample-db'), c);
  } finally {
    await slow.close();
    await rm(d, { recursive: true, force: true });
    await rm(c, { recursive: true, force: true });
  }
}

/** A backup made through the CLI on `slow`, then data newer than it written to `db`: the backup's
 * id and the data as it is now (what a canceled restore must leave whole). */
async function backupThenNewerData(slow: Emu, db: string, config: string): Promise<{ id: string; original: Record<string, string> }> {
  const made = await runCliProcess(['--url', slow.url, '--config-dir', config, '--json', 'create']);
  assert.equal(made.code, 0, made.stdout + made.stderr);
  const { id } = JSON.parse(made.stdout) as { id: string };
  await writeFile(join(db, 'newer.txt'), 'data newer than the backup\n');
  return { id, original: await snapshot(db) };
}

async function signalled(args: string[], when: (e: Record<string, unknown>) => boolean, sig: NodeJS.Signals): Promise<CliRun> {
  const { child, done } = startCli(args);
  await firstLine(child, when);
  child.kill(sig);
  return done;
}

test('SIGTERM mid-restore cancels it through PiecesOS: canceled, exit 1, recorded, and the original data is whole', { timeout: 90_000 }, () =>
  withSlowEmulator(async (slow, db, config) => {
    const { id, original } = await backupThenNewerData(slow, db, config);

    const r = await signalled(
      ['--url', slow.url, '--config-dir', config, '--json', 'restore', id, '--stream', '--yes', '--no-safety-backup'],
      (e) => e.phase === 'restore' && typeof e.percentage === 'number' && e.percentage > 0,
      'SIGTERM',
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const last = jsonLines(r.stdout).at(-1)!;
    assert.equal(last.event, 'error');
    assert.equal(last.kind, 'canceled');
    assert.equal(last.phase, 'restore');

    const h = JSON.parse((await runCliProcess(['--config-dir', config, '--json', 'history'])).stdout) as Array<Record<string, unknown>>;
    assert.equal(h[0]!.trigger, 'restore');
    assert.equal(h[0]!.result, 'canceled');
    assert.equal(h[0]!.backupId, id);
    assert.equal(h[0]!.phase, 'restore');
    assert.deepEqual(await snapshot(db), original, 'the original data is whole');
  }),
);

test('SIGINT during the safety backup stops it: canceled in phase safety-backup, the restore never starts', { timeout: 90_000 }, () =>
  withSlowEmulator(async (slow, db, config) => {
    const { id, original } = await backupThenNewerData(slow, db, config);

    const r = await signalled(
      ['--url', slow.url, '--config-dir', config, '--json', 'restore', id, '--stream', '--yes'],
      (e) => e.phase === 'safety-backup' && typeof e.percentage === 'number' && e.percentage > 0,
      'SIGINT',
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const events = jsonLines(r.stdout);
    assert.ok(!events.some((e) => e.phase === 'restore' && e.event === 'progress'), 'the restore never started');
    const last = events.at(-1)!;
    assert.equal(last.kind, 'canceled');
    assert.equal(last.phase, 'safety-backup');
    const h = JSON.parse((await runCliProcess(['--config-dir', config, '--json', 'history'])).stdout) as Array<Record<string, unknown>>;
    assert.equal(h[0]!.result, 'canceled');
    assert.equal(h[0]!.phase, 'safety-backup');
    assert.deepEqual(await snapshot(db), original);
    // The emulator is free again (the backup was stopped, not left running): a create succeeds.
    const again = await runCliProcess(['--url', slow.url, '--config-dir', config, '--json', 'create']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  }),
);

test('a safety backup PiecesOS has named while it runs is canceled through creation/cancel on SIGTERM', { timeout: 30_000 }, async () => {
  const { startHostileServer, json, wireBackup } = await import('./hostile-server.js');
  const target = wireBackup({ id: 'target-1' });
  const srv = await startHostileServer({
    'GET /backup/target-1': json(200, target),
    // The safety backup says which backup it is making, then goes on (until canceled).
    'POST /backups/create/streamed': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ status: 'IN-PROGRESS', percentage: 10, backup: wireBackup({ id: 'safety-1' }) }) + '\n');
    },
    'POST /backup/safety-1/creation/cancel': (_req, res) => res.writeHead(204).end(),
  });
  const config = await mkdtemp(join(tmpdir(), 'pb-restore-cancel-'));
  try {
    const r = await signalled(['--url', srv.url, '--config-dir', config, '--json', 'restore', 'target-1', '--stream', '--yes'], (e) => e.phase === 'safety-backup', 'SIGTERM');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const last = jsonLines(r.stdout).at(-1)!;
    assert.equal(last.kind, 'canceled');
    assert.equal(last.phase, 'safety-backup');
    assert.ok(srv.seen.includes('POST /backup/safety-1/creation/cancel'), srv.seen.join(', '));
    assert.ok(!srv.seen.some((s) => s.includes('/restore')), 'the restore never started');
  } finally {
    await srv.close();
    await rm(config, { recursive: true, force: true });
  }
});
