// The `pieces-backup` CLI end to end: the built binary against the emulator over loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startEmulator } from '../../emulator/server.js';
import { runCliProcess, startCli, jsonLines } from '../helpers/cli.js';
import { useEmulatorEnv } from '../helpers/emulator-env.js';

const shared = useEmulatorEnv('cli', { bytesPerSecond: 50_000_000 });

const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliProcess(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args], env);

const BACKUP_KEYS = ['bytes', 'created', 'deviceName', 'id', 'platform', 'timestamp', 'version'];

test('create --json prints the Backup, and list --json shows it, newest first, in the documented shape', async () => {
  shared.emu.setFaults({});
  const a = await cli(['--json', 'create']);
  assert.equal(a.code, 0, a.stderr);
  const created = JSON.parse(a.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(created).sort(), BACKUP_KEYS);
  assert.ok((created.bytes as number) > 0, 'a real archive has a size');
  assert.equal(new Date(created.created as string).toISOString(), created.created, 'created is ISO 8601');

  const b = JSON.parse((await cli(['--json', 'create'])).stdout) as { id: string };
  const listed = await cli(['--json', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  const list = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
  assert.ok(Array.isArray(list));
  const ids = list.map((x) => x.id);
  assert.ok(ids.indexOf(b.id) < ids.indexOf(created.id as string), 'newest first');
  for (const item of list) assert.deepEqual(Object.keys(item).sort(), BACKUP_KEYS);
});

test('create --stream --json prints a progress line per value and ends with done', async () => {
  shared.emu.setFaults({});
  const r = await cli(['--json', 'create', '--stream']);
  assert.equal(r.code, 0, r.stderr);
  const events = jsonLines(r.stdout);
  const last = events.at(-1)!;
  assert.equal(last.event, 'done');
  assert.equal(last.status, 'COMPLETED');
  assert.deepEqual(Object.keys(last.backup as object).sort(), BACKUP_KEYS);
  const progress = events.slice(0, -1);
  assert.ok(progress.length >= 2, 'several progress values');
  for (const p of progress) {
    assert.equal(p.event, 'progress');
    assert.ok(typeof p.status === 'string');
    assert.ok(p.percentage === null || typeof p.percentage === 'number');
  }
  assert.ok(progress.some((p) => p.status === 'IN-PROGRESS'));
});

test('create --stream for a person (no terminal) prints progress lines and a summary', async () => {
  shared.emu.setFaults({});
  const r = await cli(['create', '--stream']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /IN-PROGRESS \d+ %/);
  assert.match(r.stdout, /^Backed up .+ as .+/m);
});

test('list for a person is a table with a header row', async () => {
  const r = await cli(['list']);
  assert.equal(r.code, 0, r.stderr);
  const [header] = r.stdout.split('\n');
  assert.match(header!, /^Created\s+Size\s+Device\s+Platform\s+Version\s+ID$/);
});

test('delete removes the backup; deleting an unknown id is a server refusal (exit 1)', async () => {
  shared.emu.setFaults({});
  const made = JSON.parse((await cli(['--json', 'create'])).stdout) as { id: string };
  const del = await cli(['--json', 'delete', made.id, '--yes']);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual(JSON.parse(del.stdout), { deleted: made.id });
  const list = JSON.parse((await cli(['--json', 'list'])).stdout) as Array<{ id: string }>;
  assert.ok(!list.some((b) => b.id === made.id));

  const again = await cli(['--json', 'delete', made.id, '--yes']);
  assert.equal(again.code, 1);
  const err = JSON.parse(again.stdout);
  assert.equal(err.event, 'error');
  assert.equal(err.kind, 'http');
  assert.match(err.message, /already deleted \(or never existed\)/);
});

test('doctor says where PiecesOS is and how it was found', async () => {
  const r = await cli(['--json', 'doctor']);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.equal(d.url, shared.emu.url);
  assert.equal(d.source, 'setting');
  assert.equal(typeof d.version, 'string');
  const viaEnv = await runCliProcess(['--json', 'doctor'], { PIECES_OS_URL: shared.emu.url });
  assert.equal(JSON.parse(viaEnv.stdout).source, 'env');
});

test('history shows the CLI runs recorded in the config folder, newest first', async () => {
  shared.emu.setFaults({});
  await cli(['--json', 'create']);
  const r = await cli(['--json', 'history']);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout) as Array<{ trigger: string; result: string; startedAt: string; backupId?: string }>;
  assert.ok(h.length >= 1);
  assert.equal(h[0]!.trigger, 'manual');
  assert.equal(h[0]!.result, 'completed');
  assert.ok(h[0]!.backupId);
  for (let i = 1; i < h.length; i++) assert.ok(h[i - 1]!.startedAt >= h[i]!.startedAt, 'newest first');
});

const faultCases: Array<{ name: string; faults: Record<string, unknown>; args: string[]; code: number; kind: string }> = [
  { name: 'not signed in', faults: { notSignedIn: true }, args: ['list'], code: 1, kind: 'not-signed-in' },
  { name: 'server error', faults: { serverError: true }, args: ['list'], code: 1, kind: 'http' },
  { name: 'malformed answer', faults: { malformed: true }, args: ['list'], code: 1, kind: 'bad-response' },
  { name: 'backup fails at 40 %', faults: { failAtPercent: 40 }, args: ['create', '--stream'], code: 1, kind: 'backup-failed' },
  { name: 'connection dropped at 30 %', faults: { dropAtPercent: 30 }, args: ['create', '--stream'], code: 3, kind: 'connection-lost' },
  { name: 'stream stalls at 20 %', faults: { stallAtPercent: 20 }, args: ['--timeout', '1', 'create', '--stream'], code: 3, kind: 'stalled' },
];
for (const c of faultCases) {
  test(`fault: ${c.name} → exit ${c.code}, kind ${c.kind}`, async () => {
    shared.emu.setFaults(c.faults);
    try {
      const r = await cli(['--json', ...c.args]);
      assert.equal(r.code, c.code, r.stdout + r.stderr);
      const last = jsonLines(r.stdout).at(-1)!;
      assert.equal(last.event, 'error');
      assert.equal(last.kind, c.kind);
      assert.ok(typeof last.message === 'string' && (last.message as string).length > 0);
    } finally {
      shared.emu.setFaults({});
    }
  });
}

test('a failed run is recorded in the history with its error', async () => {
  shared.emu.setFaults({ failAtPercent: 10 });
  try {
    await cli(['--json', 'create', '--stream']);
  } finally {
    shared.emu.setFaults({});
  }
  const h = JSON.parse((await cli(['--json', 'history'])).stdout) as Array<{ result: string; error?: { kind: string } }>;
  assert.equal(h[0]!.result, 'failed');
  assert.equal(h[0]!.error?.kind, 'backup-failed');
});

test('an address where nothing listens is unreachable (exit 3), said in one sentence', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const r = await runCliProcess(['--url', `http://127.0.0.1:${port}`, 'list']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(r.stderr, /^pieces-backup: /);
});

test('usage mistakes exit 2', async () => {
  assert.equal((await runCliProcess(['frobnicate'])).code, 2);
  assert.equal((await runCliProcess(['--timeout', 'soon', 'list'])).code, 2);
  assert.equal((await runCliProcess(['--url', 'not a url', 'list'])).code, 2);
  assert.equal((await runCliProcess(['--url', 'http://127.0.0.1:39300/?x=1', 'list'])).code, 2);
  assert.equal((await runCliProcess(['--url', 'ftp://127.0.0.1:39300', 'list'])).code, 2);
  assert.equal((await runCliProcess(['delete'])).code, 2);
  const j = await runCliProcess(['--json', 'frobnicate']);
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.stdout).kind, 'usage');
});

test('Ctrl-C during a streamed backup cancels it cleanly and records it as canceled', async () => {
  shared.emu.setFaults({ stallAtPercent: 50 });
  try {
    const { child, done } = startCli(['--url', shared.emu.url, '--config-dir', shared.configDir, '--json', 'create', '--stream']);
    // Wait for the first progress line, then interrupt.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 1);
    assert.equal(jsonLines(r.stdout).at(-1)!.kind, 'canceled');
  } finally {
    shared.emu.setFaults({});
  }
  const h = JSON.parse((await cli(['--json', 'history'])).stdout) as Array<{ result: string }>;
  assert.equal(h[0]!.result, 'canceled');
});

test('list --json handles 10,000 backups', async () => {
  const d = await mkdtemp(join(tmpdir(), 'pb-cli-big-'));
  const big = await startEmulator({ port: 0, dataDir: d });
  try {
    await big.seed(10_000);
    const r = await runCliProcess(['--url', big.url, '--json', 'list']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Array<{ created: string }>;
    assert.equal(list.length, 10_000);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.created >= list[i]!.created, 'sorted newest first');
  } finally {
    await big.close();
    await rm(d, { recursive: true, force: true });
  }
});

test('create refuses while another process holds the backup lock of the same config folder', async () => {
  const { tryAcquireRunLock } = await import('../../main/engine/run-lock.js');
  const got = await tryAcquireRunLock(shared.configDir);
  assert.ok('lock' in got, 'the test takes the lock');
  try {
    const r = await cli(['--json', 'create']);
    assert.equal(r.code, 1);
    const e = JSON.parse(r.stdout);
    assert.equal(e.kind, 'already-running');
    assert.match(e.message, new RegExp(`process ${process.pid}`));
  } finally {
    await got.lock.release();
  }
  const ok = await cli(['--json', 'create']);
  assert.equal(ok.code, 0, 'released: the next create runs');
});

test('--timeout bounds a non-streamed create too (exit 3, timeout)', async () => {
  const d = await mkdtemp(join(tmpdir(), 'pb-cli-slow-'));
  // About 2.4 MB of sample data at 400 KB/s: several seconds of work.
  const slow = await startEmulator({ port: 0, dataDir: d, bytesPerSecond: 400_000, log: () => {} });
  try {
    const r = await runCliProcess(['--url', slow.url, '--config-dir', shared.configDir, '--json', '--timeout', '1', 'create']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'timeout');
  } finally {
    await slow.close();
    await rm(d, { recursive: true, force: true });
  }
});

test('without --url the CLI uses the PiecesOS URL saved in Settings of its config folder, before PIECES_OS_URL', async () => {
  const cfg = await mkdtemp(join(tmpdir(), 'pb-cli-saved-'));
  try {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(cfg, 'config.json'), JSON.stringify({ piecesOsUrl: shared.emu.url }));
    const r = await runCliProcess(['--config-dir', cfg, '--json', 'doctor'], { PIECES_OS_URL: 'http://127.0.0.1:9' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).url, shared.emu.url);
    const human = await runCliProcess(['--config-dir', cfg, 'doctor']);
    assert.match(human.stdout, /Found:\s+saved in Settings/);
  } finally {
    await rm(cfg, { recursive: true, force: true });
  }
});
