// The emulator restores for real: its local database (the folder it backs up) ends up holding
// exactly the backup's files after a restore, and exactly its own files after a failure, a cancel,
// a fault, or an emulator killed mid-restore. Plus the status, cancel and metadata routes.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, truncate, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireBackup, wireBackupStatus, wireStreamedProgress } from '../../main/api/wire.js';
import type { EmulatorOptions, Faults, Framing, RunningEmulator } from '../../emulator/types.js';
import { stagingPaths } from '../../emulator/restorer.js';
import { archiveFilesOf, filesOf, makeSource, post, readStreamed, start, tempDir, until } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Setup {
  emu: RunningEmulator;
  dataDir: string;
  /** The emulator's local database (the source it backs up). */
  db: string;
  /** The folder holding `db`, where a restore's staging folders go. */
  parent: string;
  backupId: string;
  archive: string;
  /** The backup's files (what a restore must put in place). */
  backupFiles: Record<string, string>;
  /** The database's files after it changed since the backup (what a failed restore must keep). */
  currentFiles: Record<string, string>;
}

/** An emulator with one real backup of its database, and the database changed since. */
async function setup(t: TestContext, opts: Partial<EmulatorOptions> = {}): Promise<Setup> {
  const parent = await tempDir(t);
  const { dir: db } = await makeSource(parent);
  const { emu, dataDir } = await start(t, { source: db, ...opts });
  const made = await post(`${emu.url}/backups/create`);
  assert.equal(made.status, 200);
  const backupId = wireBackup.parse(made.json).id;
  const archive = path.join(dataDir, 'cloud', `${encodeURIComponent(backupId)}.tar.gz`);
  const backupFiles = await archiveFilesOf(archive);
  assert.deepEqual(await filesOf(db), backupFiles, 'the archive holds the database as it was');
  // Work done since the backup: a changed file, a new one, a removed one, a new folder.
  await writeFile(path.join(db, 'a.txt'), 'changed since the backup\n');
  await writeFile(path.join(db, 'new-since.txt'), 'new');
  await rm(path.join(db, 'nested', 'c.bin'));
  await mkdir(path.join(db, 'later'));
  await writeFile(path.join(db, 'later', 'x.json'), '{}');
  const currentFiles = await filesOf(db);
  assert.notDeepEqual(currentFiles, backupFiles);
  return { emu, dataDir, db, parent, backupId, archive, backupFiles, currentFiles };
}

const restorePath = (id: string, streamed = true) => `/backup/${encodeURIComponent(id)}/restore${streamed ? '/streamed' : ''}`;
const statusOf = async (emu: RunningEmulator, kind: 'restoration' | 'creation', id: string) => {
  const res = await fetch(`${emu.url}/backup/${encodeURIComponent(id)}/${kind}/status`);
  return { code: res.status, body: (await res.json()) as unknown };
};
const parseValues = (values: string[]) => values.map((v) => wireStreamedProgress.parse(JSON.parse(v)));
const messageOf = (json: unknown) => (json as { message: string }).message;

/** Nothing of a restore is left beside the database. */
async function noStaging(s: Setup): Promise<void> {
  assert.deepEqual(await readdir(s.parent), [path.basename(s.db)]);
}

for (const framing of ['ndjson', 'sse', 'concat'] as const satisfies Framing[]) {
  test(`a streamed restore (${framing}) replaces the database with the backup's files, with rising progress, ending COMPLETED with the backup`, async (t) => {
    const s = await setup(t, { framing, bytesPerSecond: 2 * 1024 * 1024 });
    const r = await readStreamed(s.emu.url, framing, undefined, restorePath(s.backupId));
    assert.equal(r.status, 200);
    assert.equal(r.broken, false);
    const values = parseValues(r.values);
    assert.deepEqual(values[0], { status: 'INITIALIZED', percentage: 0 });
    const middle = values.slice(1, -1);
    assert.ok(middle.length >= 5, `${middle.length} progress values`);
    for (const [i, v] of middle.entries()) {
      assert.equal(v.status, 'IN-PROGRESS');
      if (i > 0) assert.ok((v.percentage ?? 0) > (middle[i - 1]?.percentage ?? 0), 'strictly rising');
    }
    const last = values.at(-1)!;
    assert.equal(last.status, 'COMPLETED');
    assert.equal(last.backup?.id, s.backupId);
    assert.deepEqual(await filesOf(s.db), s.backupFiles);
    await noStaging(s);
    const status = await statusOf(s.emu, 'restoration', s.backupId);
    assert.equal(status.code, 200);
    assert.deepEqual({ ...wireBackupStatus.parse(status.body), backup: undefined }, { value: 'COMPLETED', percentage: 100, backup: undefined });
  });
}

test('a plain restore answers the Backup once its files are in place; GET /backup/{id} answers its metadata, 404 for an unknown id', async (t) => {
  const s = await setup(t);
  const r = await post(`${s.emu.url}${restorePath(s.backupId, false)}`, { id: s.backupId });
  assert.equal(r.status, 200);
  assert.equal(wireBackup.parse(r.json).id, s.backupId);
  assert.deepEqual(await filesOf(s.db), s.backupFiles);
  await noStaging(s);

  const one = await fetch(`${s.emu.url}/backup/${encodeURIComponent(s.backupId)}`);
  assert.equal(one.status, 200);
  assert.equal(wireBackup.parse(await one.json()).id, s.backupId);
  const none = await fetch(`${s.emu.url}/backup/nope`);
  assert.equal(none.status, 404);
  assert.match(messageOf(await none.json()), /no backup with id "nope"/);
  assert.equal((await post(`${s.emu.url}/backup/nope/restore`)).status, 404);
  assert.equal((await fetch(`${s.emu.url}/backup/${encodeURIComponent(s.backupId)}/restore`)).status, 405);
});

test('a seeded backup has no data: restoring it answers 422 saying so, and changes nothing', async (t) => {
  const s = await setup(t);
  await s.emu.seed(1, { deviceName: 'old-laptop' });
  const list = (await (await fetch(`${s.emu.url}/backups`)).json()) as { iterable: { id: string; device_name: string }[] };
  const seeded = list.iterable.find((b) => b.device_name === 'old-laptop')!;
  for (const streamed of [true, false]) {
    const r = await post(`${s.emu.url}${restorePath(seeded.id, streamed)}`);
    assert.equal(r.status, 422);
    assert.match(messageOf(r.json), /has no data in the emulator \(it was seeded as metadata only\)/);
  }
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  await noStaging(s);
});

// Each fault, streamed and plain: the database keeps its own files and nothing is left beside it.
const failing: { name: string; faults: Faults; check: (r: Awaited<ReturnType<typeof readStreamed>>, plain: { status: number; json: unknown } | null) => void }[] = [
  {
    name: 'failAtPercent: FAILED at that point / 500 saying the original was kept',
    faults: { failAtPercent: 40 },
    check: (r, plain) => {
      const last = parseValues(r.values).at(-1)!;
      assert.equal(last.status, 'FAILED');
      assert.ok((last.percentage ?? 0) >= 40);
      assert.equal(plain?.status, 500);
      assert.match(messageOf(plain?.json), /restore failed at 4\d%; try again\. The original data was kept\./);
    },
  },
  {
    name: 'dropAtPercent: the connection is dropped',
    faults: { dropAtPercent: 30 },
    check: (r) => {
      assert.equal(r.broken, true);
      assert.ok(parseValues(r.values).every((v) => v.status !== 'COMPLETED'));
    },
  },
  {
    name: 'failAtPercent 100: unpacked and checked, but failing before the swap',
    faults: { failAtPercent: 100 },
    check: (r) => assert.equal(parseValues(r.values).at(-1)?.status, 'FAILED'),
  },
];

for (const f of failing) {
  test(`restore fault ${f.name}; the database keeps its own files`, async (t) => {
    const s = await setup(t, { faults: {} });
    s.emu.setFaults(f.faults);
    const r = await readStreamed(s.emu.url, 'ndjson', undefined, restorePath(s.backupId));
    assert.equal(r.status, 200);
    await until(async () => !((await (await fetch(`${s.emu.url}/__emulator/state`)).json()) as { busy: boolean }).busy);
    assert.deepEqual(await filesOf(s.db), s.currentFiles);
    await noStaging(s);
    let plain: { status: number; json: unknown } | null = null;
    if (f.faults.dropAtPercent === undefined) plain = await post(`${s.emu.url}${restorePath(s.backupId, false)}`);
    else await assert.rejects(post(`${s.emu.url}${restorePath(s.backupId, false)}`));
    f.check(r, plain);
    await until(async () => (await statusOf(s.emu, 'restoration', s.backupId)).code === 200 && wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).value === 'FAILED');
    assert.deepEqual(await filesOf(s.db), s.currentFiles);
    await noStaging(s);
  });
}

test('restore fault stallAtPercent: it stops sending; once the client gives up the restore fails and the database keeps its files', async (t) => {
  const s = await setup(t, { bytesPerSecond: 200 * 1024 });
  s.emu.setFaults({ stallAtPercent: 50 });
  const ac = new AbortController();
  const streamed = readStreamed(s.emu.url, 'ndjson', ac.signal, restorePath(s.backupId));
  await until(async () => (wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).percentage ?? 0) >= 50);
  // Held there: the percentage stays while the connection stays open.
  await new Promise((r) => setTimeout(r, 300));
  const status = wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body);
  assert.equal(status.value, 'IN-PROGRESS');
  assert.ok((status.percentage ?? 0) >= 50);
  ac.abort();
  const r = await streamed;
  assert.ok(parseValues(r.values.filter((v) => v.startsWith('{"status"'))).every((v) => (v.percentage ?? 0) < 50), 'nothing sent from the stall on');
  await until(async () => wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).value === 'FAILED');
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  await noStaging(s);
});

test('restore fault notSignedIn: every /backup route answers 401', async (t) => {
  const s = await setup(t);
  s.emu.setFaults({ notSignedIn: true });
  const id = encodeURIComponent(s.backupId);
  for (const [method, route] of [['GET', ''], ['POST', '/restore'], ['POST', '/restore/streamed'], ['GET', '/restoration/status'], ['POST', '/restoration/cancel'], ['GET', '/creation/status'], ['POST', '/creation/cancel']] as const) {
    const res = await fetch(`${s.emu.url}/backup/${id}${route}`, { method });
    assert.equal(res.status, 401, route);
    assert.match(messageOf(await res.json()), /not signed in/);
  }
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
});

test('restore faults malformed and omitBackup: one broken value / a wrong-typed answer, COMPLETED without the backup; the restore itself happens', async (t) => {
  const s = await setup(t);
  s.emu.setFaults({ malformed: true, omitBackup: true });
  const r = await readStreamed(s.emu.url, 'ndjson', undefined, restorePath(s.backupId));
  const broken = r.values.filter((v) => { try { JSON.parse(v); return false; } catch { return true; } });
  assert.equal(broken.length, 1);
  const last = wireStreamedProgress.parse(JSON.parse(r.values.at(-1)!));
  assert.deepEqual(last, { status: 'COMPLETED', percentage: 100 });
  assert.deepEqual(await filesOf(s.db), s.backupFiles);
  const plain = await post(`${s.emu.url}${restorePath(s.backupId, false)}`);
  assert.equal(plain.status, 200);
  assert.equal(typeof (plain.json as { bytes: unknown }).bytes, 'string');
});

test('restore fault resetAtPercent: a RESET value part-way, then progress from 0 again, and the backup is in place', async (t) => {
  const s = await setup(t, { framing: 'sse', bytesPerSecond: 4 * 1024 * 1024 });
  s.emu.setFaults({ resetAtPercent: 40 });
  const r = await readStreamed(s.emu.url, 'sse', undefined, restorePath(s.backupId));
  const values = parseValues(r.values);
  const resetAt = values.findIndex((v) => v.status === 'RESET');
  assert.ok(resetAt > 0, 'a RESET value was sent');
  assert.deepEqual(values[resetAt], { status: 'RESET', percentage: 0 });
  assert.ok((values[resetAt - 1]?.percentage ?? 0) < 40);
  const after = values.slice(resetAt + 1, -1).map((v) => v.percentage ?? 0);
  assert.ok(after.length > 3 && (after[0] ?? 100) < 40, `progress starts again low: ${after.join(',')}`);
  assert.equal(values.filter((v) => v.status === 'RESET').length, 1);
  assert.equal(values.at(-1)?.status, 'COMPLETED');
  assert.deepEqual(await filesOf(s.db), s.backupFiles);
  await noStaging(s);
});

test('a broken archive fails the restore and the database keeps its files', async (t) => {
  const s = await setup(t);
  await truncate(s.archive, Math.floor((await stat(s.archive)).size / 2));
  const plain = await post(`${s.emu.url}${restorePath(s.backupId, false)}`);
  assert.equal(plain.status, 500);
  assert.match(messageOf(plain.json), /The restore failed \(.*\); try again\. The original data was kept\./);
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  await noStaging(s);
});

test('restoration/cancel stops a restore in progress: 204 once the original is back, the stream ends CANCELED, the status says CANCELED; a second cancel is 500', async (t) => {
  const s = await setup(t, { bytesPerSecond: 256 * 1024 });
  const streamed = readStreamed(s.emu.url, 'ndjson', undefined, restorePath(s.backupId));
  await until(async () => (wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).percentage ?? 0) >= 20);
  const cancel = await post(`${s.emu.url}/backup/${encodeURIComponent(s.backupId)}/restoration/cancel`);
  assert.equal(cancel.status, 204);
  // Confirmed means done: the database is whole the moment the 204 arrives.
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  await noStaging(s);
  const r = await streamed;
  assert.equal(parseValues(r.values).at(-1)?.status, 'CANCELED');
  assert.equal(wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).value, 'CANCELED');
  const again = await post(`${s.emu.url}/backup/${encodeURIComponent(s.backupId)}/restoration/cancel`);
  assert.equal(again.status, 500);
  assert.match(messageOf(again.json), /No restore is in progress/);
});

test('a restore goes on when its client goes away, and the backup ends up in place', async (t) => {
  const s = await setup(t, { bytesPerSecond: 1024 * 1024 });
  const ac = new AbortController();
  const res = await fetch(`${s.emu.url}${restorePath(s.backupId)}`, { method: 'POST', body: '{}', signal: ac.signal });
  await res.body!.getReader().read();
  ac.abort();
  await until(async () => wireBackupStatus.parse((await statusOf(s.emu, 'restoration', 'current')).body).value === 'COMPLETED', 10_000);
  assert.deepEqual(await filesOf(s.db), s.backupFiles);
  await noStaging(s);
});

test('one piece of work at a time: no restore during a create or another restore, no create during a restore (409); the backup being restored cannot be deleted', async (t) => {
  const s = await setup(t, { bytesPerSecond: 512 * 1024 });
  const restoring = post(`${s.emu.url}${restorePath(s.backupId, false)}`);
  await until(async () => ((await (await fetch(`${s.emu.url}/__emulator/state`)).json()) as { running: { kind: string } | null }).running?.kind === 'restore');
  for (const route of [restorePath(s.backupId), '/backups/create', '/backups/create/streamed']) {
    const r = await post(`${s.emu.url}${route}`);
    assert.equal(r.status, 409, route);
    assert.match(messageOf(r.json), /is being restored; wait for the restore to finish/);
  }
  const del = await post(`${s.emu.url}/backups/${encodeURIComponent(s.backupId)}/delete`);
  assert.equal(del.status, 409);
  assert.equal((await restoring).status, 200);
  assert.deepEqual(await filesOf(s.db), s.backupFiles);

  const creating = post(`${s.emu.url}/backups/create`);
  await until(async () => ((await (await fetch(`${s.emu.url}/__emulator/state`)).json()) as { running: { kind: string } | null }).running?.kind === 'create');
  const r = await post(`${s.emu.url}${restorePath(s.backupId)}`);
  assert.equal(r.status, 409);
  assert.match(messageOf(r.json), /backup is already in progress/);
  assert.equal((await creating).status, 200);
});

test('restoration/cancel with nothing in progress answers 500 saying so; status of an unknown id is 404, of a backup never restored UNKNOWN', async (t) => {
  const s = await setup(t);
  const r = await post(`${s.emu.url}/backup/${encodeURIComponent(s.backupId)}/restoration/cancel`);
  assert.equal(r.status, 500);
  assert.match(messageOf(r.json), /No restore is in progress, so there is nothing to cancel/);
  assert.equal((await statusOf(s.emu, 'restoration', 'nope')).code, 404);
  assert.equal((await statusOf(s.emu, 'restoration', 'current')).code, 404);
  const never = wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body);
  assert.deepEqual([never.value, never.percentage, never.backup.id], ['UNKNOWN', null, s.backupId]);
  const made = wireBackupStatus.parse((await statusOf(s.emu, 'creation', s.backupId)).body);
  assert.deepEqual([made.value, made.percentage], ['COMPLETED', 100]);
});

test('a create in progress has an id from its first value (backup_id): creation/status follows it, creation/cancel stops it and nothing is added', async (t) => {
  const s = await setup(t, { bytesPerSecond: 256 * 1024 });
  const { dataDir } = s;
  const before = (await readdir(path.join(dataDir, 'cloud'))).sort();
  const res = await fetch(`${s.emu.url}/backups/create/streamed`, { method: 'POST', body: '{}' });
  const reader = res.body!.getReader();
  const first = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]!) as { status: string; backup_id: string };
  assert.equal(first.status, 'INITIALIZED');
  assert.match(first.backup_id, /_\d+$/);
  await until(async () => wireBackupStatus.parse((await statusOf(s.emu, 'creation', first.backup_id)).body).value === 'IN-PROGRESS');
  const current = wireBackupStatus.parse((await statusOf(s.emu, 'creation', 'current')).body);
  assert.equal(current.backup.id, first.backup_id);
  assert.equal((await post(`${s.emu.url}/backup/other-id/creation/cancel`)).status, 500);
  const cancel = await post(`${s.emu.url}/backup/${encodeURIComponent(first.backup_id)}/creation/cancel`);
  assert.equal(cancel.status, 204);
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  assert.equal(wireStreamedProgress.parse(JSON.parse(rest.trim().split('\n').at(-1)!)).status, 'CANCELED');
  assert.equal(wireBackupStatus.parse((await statusOf(s.emu, 'creation', first.backup_id)).body).value, 'CANCELED');
  assert.deepEqual((await readdir(path.join(dataDir, 'cloud'))).sort(), before);
  assert.equal((await post(`${s.emu.url}/backup/current/creation/cancel`)).status, 500);
});

test('close() during a restore keeps the original data', async (t) => {
  const s = await setup(t, { bytesPerSecond: 256 * 1024 });
  const streamed = readStreamed(s.emu.url, 'ndjson', undefined, restorePath(s.backupId));
  await until(async () => (wireBackupStatus.parse((await statusOf(s.emu, 'restoration', s.backupId)).body).percentage ?? 0) >= 10);
  await s.emu.close();
  await streamed;
  assert.deepEqual(await filesOf(s.db), s.currentFiles);
  await noStaging(s);
});

test('an emulator killed (SIGKILL) mid-restore leaves the original data whole, and the next start removes what the restore left', { timeout: 60_000 }, async (t) => {
  // The backup is made by an emulator in this process; a slow child process then restores it.
  const parent = await tempDir(t);
  const { dir: db } = await makeSource(parent);
  const dataDir = path.join(parent, 'data');
  const maker = await start(t, { source: db, dataDir });
  const backupId = wireBackup.parse((await post(`${maker.emu.url}/backups/create`)).json).id;
  await maker.emu.close();
  await writeFile(path.join(db, 'a.txt'), 'changed since the backup\n');
  const original = await filesOf(db);

  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/main.ts', '--port', '0', '--data-dir', dataDir, '--source', db, '--bytes-per-second', String(64 * 1024)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const streamed = readStreamed(url, 'ndjson', undefined, restorePath(backupId));
  await until(async () => {
    const res = await fetch(`${url}/backup/${encodeURIComponent(backupId)}/restoration/status`);
    return (wireBackupStatus.parse(await res.json()).percentage ?? 0) >= 30;
  }, 20_000);
  const { incoming } = stagingPaths(db);
  assert.ok((await readdir(incoming)).length > 0, 'the backup was being unpacked beside the database');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal((await streamed).broken, true);
  assert.deepEqual(await filesOf(db), original);

  const next = await start(t, { source: db, dataDir });
  assert.deepEqual((await readdir(parent)).sort(), ['data', 'source']);
  assert.deepEqual(await filesOf(db), original);
  assert.match(next.logs.join('\n'), /A restore was interrupted; its unfinished copy was removed/);
});

test('start-up after a kill between the two renames of the swap puts the original back; after the swap it keeps the restored data', async (t) => {
  const parent = await tempDir(t);
  const db = path.join(parent, 'db');
  const { incoming, previous } = stagingPaths(db);
  // Killed between "database → previous" and "incoming → database".
  await mkdir(previous, { recursive: true });
  await writeFile(path.join(previous, 'mine.txt'), 'original');
  await mkdir(incoming, { recursive: true });
  await writeFile(path.join(incoming, 'theirs.txt'), 'restored');
  const a = await start(t, { source: db, dataDir: path.join(parent, 'data-a') });
  assert.deepEqual(await filesOf(db), { 'mine.txt': Buffer.from('original').toString('base64') });
  assert.match(a.logs.join('\n'), /the original data was put back/);
  await a.emu.close();

  // Killed after the swap, while the original was being removed.
  await rm(db, { recursive: true });
  await mkdir(db);
  await writeFile(path.join(db, 'theirs.txt'), 'restored');
  await mkdir(previous);
  await writeFile(path.join(previous, 'mine.txt'), 'original');
  const b = await start(t, { source: db, dataDir: path.join(parent, 'data-b') });
  assert.deepEqual(await filesOf(db), { 'theirs.txt': Buffer.from('restored').toString('base64') });
  assert.deepEqual((await readdir(parent)).sort(), ['data-a', 'data-b', 'db']);
  await b.emu.close();
});
