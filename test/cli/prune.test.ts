// `pieces-backup prune [--dry-run]`: the built binary against the emulator over loopback, on a real
// settings folder. The dry run names exactly what the real run then deletes; this device comes
// from PiecesOS; nothing is deleted while the device is unknown or a backup holds the lock.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Faults } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { tryAcquireRunLock } from '../../main/engine/run-lock.js';
import { DELETIONS_FILE } from '../../main/engine/history.js';
import { runCliProcess } from '../helpers/cli.js';

const DAY = 86_400_000;

async function rig(t: TestContext, retention: Record<string, unknown>, faults: Faults = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-prune-'));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), deviceName: 'laptop', faults, log: () => undefined });
  const configDir = join(dir, 'cfg');
  await mkdir(configDir, { recursive: true });
  // The settings file as the app writes it; keys left out take their defaults.
  await writeFile(join(configDir, 'config.json'), JSON.stringify({ version: 2, retention: { enabled: true, keepLast: null, maxAgeDays: null, includeOtherDevices: false, ...retention } }));
  const client = createClient({ baseUrl: emu.url });
  t.after(async () => {
    client.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const now = Date.now();
  await emu.seed(3, { deviceName: 'laptop', startDate: new Date(now - 60 * DAY) });
  await emu.seed(1, { deviceName: 'laptop', startDate: new Date(now - DAY) });
  await emu.seed(2, { deviceName: 'desktop', startDate: new Date(now - 90 * DAY) });
  const cli = (...args: string[]) => runCliProcess(['--url', emu.url, '--config-dir', configDir, ...args]);
  const ids = async () => (await client.list()).map((b) => b.id).sort();
  return { emu, configDir, cli, ids, client };
}

test('prune --dry-run says what prune then deletes: this device from PiecesOS, other devices untouched, logged', async (t) => {
  const r = await rig(t, { maxAgeDays: 7 });
  const before = await r.ids();
  const dry = await r.cli('--json', 'prune', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { wouldDelete: string[]; thisDevice: string; skipped?: string };
  assert.equal(plan.thisDevice, 'laptop');
  assert.equal(plan.skipped, undefined);
  assert.equal(plan.wouldDelete.length, 3);
  assert.deepEqual(await r.ids(), before, 'a dry run deletes nothing');

  const real = await r.cli('--json', 'prune');
  assert.equal(real.code, 0, real.stderr);
  const done = JSON.parse(real.stdout) as { deleted: string[]; failed: unknown[]; thisDevice: string };
  assert.deepEqual(done.deleted.sort(), plan.wouldDelete.sort(), 'the run deleted exactly what the dry run said');
  assert.deepEqual(done.failed, []);
  const left = await r.client.list();
  assert.equal(left.length, 3);
  assert.equal(left.filter((b) => b.deviceName === 'desktop').length, 2);
  const log = (await readFile(join(r.configDir, DELETIONS_FILE), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { backupId: string; reason: string });
  assert.deepEqual(log.map((d) => d.backupId).sort(), done.deleted.sort(), 'each deletion is in the shared deletion log');
  assert.match(log[0]!.reason, /younger than 7 days/);

  const human = await r.cli('prune', '--dry-run');
  assert.equal(human.code, 0);
  assert.match(human.stdout, /This computer: laptop\.\nNothing would be deleted\./);
});

test('prune deletes nothing while this device is unknown, and says why', async (t) => {
  const r = await rig(t, { keepLast: 1 }, { noDeviceInformation: true });
  const before = await r.ids();
  for (const args of [['prune', '--dry-run'], ['prune']]) {
    const out = await r.cli('--json', ...args);
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as { wouldDelete?: string[]; deleted?: string[]; skipped: string; thisDevice: null };
    assert.deepEqual(body.wouldDelete ?? body.deleted, []);
    assert.equal(body.thisDevice, null);
    assert.match(body.skipped, /device name is not known yet/);
  }
  assert.deepEqual(await r.ids(), before);
});

test('prune waits for no one: while a backup holds the lock it refuses (exit 1) and deletes nothing', async (t) => {
  const r = await rig(t, { keepLast: 1 });
  const before = await r.ids();
  const got = await tryAcquireRunLock(r.configDir);
  assert.ok('lock' in got);
  try {
    const out = await r.cli('--json', 'prune');
    assert.equal(out.code, 1);
    assert.equal((JSON.parse(out.stdout) as { kind: string }).kind, 'already-running');
  } finally {
    await got.lock.release();
  }
  assert.deepEqual(await r.ids(), before);
});

test('prune with retention off in Settings deletes nothing and says how to turn it on', async (t) => {
  const r = await rig(t, { enabled: false, keepLast: 1 });
  const before = await r.ids();
  const out = await r.cli('prune');
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Retention is off in Settings/);
  assert.deepEqual(await r.ids(), before);
});

test('a backup made with `create` names this computer, so a later prune knows it without the device endpoint', async (t) => {
  const r = await rig(t, { maxAgeDays: 7 }, { noDeviceInformation: true });
  const made = await r.cli('--json', 'create');
  assert.equal(made.code, 0, made.stderr);
  const dry = await r.cli('--json', 'prune', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { wouldDelete: string[]; thisDevice: string | null };
  assert.equal(plan.thisDevice, 'laptop');
  assert.equal(plan.wouldDelete.length, 3, "this computer's three old backups; desktop's are not touched");
});
