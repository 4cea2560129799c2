// The built `pieces-backup` against the emulator over loopback: the backup lock says which front
// end holds it and what it does, and the CLI words the holder that way (the process number after
// the words), whether it refuses a create, a restore or a prune, or shows `status`; and what the
// CLI takes the lock for, it records as the command's.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { LOCK_FILE, tryAcquireRunLock } from '../../main/engine/run-lock.js';
import { RUN_MARKER_FILE } from '../../main/engine/interrupted.js';
import { processStartOf } from '../../main/engine/process-identity.js';
import type { LockBy, LockWhat } from '../../main/engine/types.js';
import { runCliProcess, startCli } from '../helpers/cli.js';

async function rig(t: TestContext, emuOpts: { source?: string; bytesPerSecond?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-lock-holder-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), deviceName: 'laptop', log: () => undefined, ...emuOpts });
  const configDir = join(dir, 'cfg');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'config.json'), JSON.stringify({ version: 2, retention: { enabled: true, keepLast: 1, maxAgeDays: null, includeOtherDevices: false } }));
  const client = createClient({ baseUrl: emu.url });
  t.after(async () => {
    client.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCliProcess(['--url', emu.url, '--config-dir', configDir, ...args]);
  /** This test's own process holds the lock as another front end would. */
  const hold = async (by: LockBy, what: LockWhat) => {
    const got = await tryAcquireRunLock(configDir, { by, what });
    assert.ok('lock' in got, 'the test takes the lock');
    t.after(() => got.lock.release());
    return got.lock;
  };
  return { dir, emu, configDir, client, cli, hold };
}

test("create while the background service backs up: refused, saying it is the background service's backup (and its process)", async (t) => {
  const r = await rig(t);
  await r.hold('daemon', 'backup');
  const text = await r.cli('create');
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stderr, new RegExp(`A backup is already running — the background service started it at \\S.* \\(process ${process.pid}\\)\\. Wait for it to finish, then try again\\.`));
  assert.doesNotMatch(text.stderr, /started by process/);
  const json = await r.cli('--json', 'create');
  assert.equal(json.code, 1);
  const e = JSON.parse(json.stdout) as { kind: string; message: string };
  assert.equal(e.kind, 'already-running');
  assert.match(e.message, /^A backup is already running — the background service started it at /);
  assert.equal((await r.client.list()).length, 0, 'no backup was made');
});

test('restore while the app restores, and prune while the command prunes: each says whose run and which kind', async (t) => {
  const r = await rig(t);
  const made = (await r.client.createStreamed())!;
  const lock = await r.hold('app', 'restore');
  const restore = await r.cli('--json', 'restore', made.id, '--yes');
  assert.equal(restore.code, 1);
  assert.match((JSON.parse(restore.stdout) as { message: string }).message, new RegExp(`^A restore is already running — the Pieces Backup app started it at .+ \\(process ${process.pid}\\)\\. .*nothing was restored\\.$`));
  await lock.release();

  await r.hold('cli', 'prune');
  const prune = await r.cli('--json', 'prune');
  assert.equal(prune.code, 1);
  assert.match((JSON.parse(prune.stdout) as { message: string }).message, /^A prune is already running — the pieces-backup command started it at .+, so nothing was pruned\./);
});

test('status names the run in flight by its front end and kind, from the lock its process holds', async (t) => {
  const r = await rig(t);
  await r.hold('daemon', 'backup');
  // This test's own process stands for the daemon making a scheduled backup: its marker and its lock.
  const start = await processStartOf(process.pid);
  const startedAt = new Date().toISOString();
  await writeFile(join(r.configDir, RUN_MARKER_FILE), JSON.stringify({ trigger: 'scheduled', startedAt, pid: process.pid, host: hostname(), ...(start ? { start } : {}) }));
  const json = JSON.parse((await r.cli('--json', 'status')).stdout) as { state: string; running: unknown };
  assert.equal(json.state, 'running');
  assert.deepEqual(json.running, { trigger: 'scheduled', startedAt, pid: process.pid, by: 'daemon', what: 'backup' });
  const text = await r.cli('status');
  assert.match(text.stdout, new RegExp(`^State: +Running \\(scheduled\\): the backup the background service started at .+ \\(process ${process.pid}\\)$`, 'm'));
});

/** A `pieces-backup create` that holds the backup lock for several seconds (≈ 200 KB at 20 KB/s),
 * started and waited for until it has the lock; what its lock file says. */
async function slowCreate(t: TestContext) {
  const source = await mkdtemp(join(tmpdir(), 'pb-lock-holder-src-'));
  t.after(() => rm(source, { recursive: true, force: true }));
  await writeFile(join(source, 'notes.txt'), 'x'.repeat(200_000));
  const r = await rig(t, { source, bytesPerSecond: 20_000 });
  const run = startCli(['--url', r.emu.url, '--config-dir', r.configDir, '--json', 'create', '--stream'], {}, { killAfterMs: 50_000 });
  t.after(() => void run.child.kill('SIGKILL'));
  let owner: { by?: string; what?: string } | null = null;
  for (let i = 0; i < 400 && owner === null; i++) {
    owner = await readFile(join(r.configDir, LOCK_FILE), 'utf8').then((s) => JSON.parse(s) as { by?: string; what?: string }, () => null);
    if (owner === null) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(owner, 'the create took the lock');
  return { r, run, owner };
}

test('a create the command runs records in the lock that the pieces-backup command backs up', { timeout: 60_000 }, async (t) => {
  const { r, run, owner } = await slowCreate(t);
  assert.equal(owner.by, 'cli');
  assert.equal(owner.what, 'backup');
  const got = await tryAcquireRunLock(r.configDir, { by: 'app', what: 'backup' });
  assert.ok('heldBy' in got, 'the create holds the lock');
  assert.equal(got.heldBy.by, 'cli');
  run.child.kill('SIGINT');
  await run.done;
});

test('status while a pieces-backup create runs (a run with no marker, only the lock): running, the command\'s backup, never "Idle"', { timeout: 60_000 }, async (t) => {
  const { r, run } = await slowCreate(t);
  const json = JSON.parse((await r.cli('--json', 'status')).stdout) as { state: string; running: Record<string, unknown> | null; piecesOs: { runs: Array<{ kind: string; percentage: number | null }> | null } };
  assert.equal(json.state, 'running');
  assert.equal(json.piecesOs.runs?.length, 1, 'PiecesOS reports the backup in progress');
  assert.equal(json.piecesOs.runs[0]!.kind, 'backup');
  assert.equal(typeof json.piecesOs.runs[0]!.percentage, 'number');
  assert.equal(json.running?.trigger, 'manual', 'a command\'s backup is recorded as manual in the history, so status says the same');
  assert.equal(json.running?.by, 'cli');
  assert.equal(json.running?.what, 'backup');
  assert.equal(json.running?.pid, run.child.pid);
  const text = await r.cli('status');
  assert.match(text.stdout, /^State: +Running \(manual\): the backup the pieces-backup command started at .+ \(process \d+\)$/m);
  assert.match(text.stdout, /^ +Backing up now: \d+ %$/m);
  run.child.kill('SIGINT');
  await run.done;

  // A lock its process left behind (that process is gone) is not a run.
  await writeFile(join(r.configDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), token: 'left-behind', since: new Date().toISOString(), by: 'cli', what: 'backup' }));
  const after = JSON.parse((await r.cli('--json', 'status')).stdout) as { state: string; running: unknown };
  assert.equal(after.running, null);
  assert.notEqual(after.state, 'running');
});
