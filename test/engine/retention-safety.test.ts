// Retention never deletes the wrong backup (issue 8, "Data loss"): which device is "this computer",
// a create that does not say which backup it made, backups dated in the future, a restart, and the
// dry run against the real run. Real parts only: the HTTP client and the emulator over loopback,
// real settings, history, deletion log and device file in a temp folder.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Faults } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openDeletionLog, openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity, DEVICE_FILE } from '../../main/engine/device-identity.js';
import { DEVICE_UNKNOWN } from '../../main/engine/retention.js';
import { openSettings } from '../../main/settings/store.js';
import type { RetentionPolicy } from '../../main/settings/schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Rig {
  deviceName: string;
  faults?: Faults;
  retention: Partial<RetentionPolicy>;
}

async function rig(t: TestContext, o: Rig) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-retention-'));
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.txt'), 'pieces data\n'.repeat(100));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), source, deviceName: o.deviceName, faults: o.faults ?? {}, log: () => undefined });
  const client = createClient({ baseUrl: emu.url, timeoutMs: 5000 });
  const cfg = join(dir, 'cfg');
  const settings = openSettings({ configDir: cfg });
  await settings.update({ schedule: { kind: 'off' }, retention: { enabled: true, keepLast: null, maxAgeDays: null, includeOtherDevices: false, ...o.retention } });
  const logs: string[] = [];
  const engines: BackupEngine[] = [];
  /** A new engine on the same settings folder: what a restart of the app or the daemon gets. */
  const engine = () => {
    const e = new BackupEngine({
      api: async () => client, settings, history: openHistory(cfg), identity: openDeviceIdentity(cfg), deletions: openDeletionLog(cfg),
      log: (_level, m) => void logs.push(m),
    });
    engines.push(e);
    return e;
  };
  t.after(async () => {
    for (const e of engines) await e.stop();
    client.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });
  const ids = async () => (await client.list()).map((b) => b.id);
  return { emu, client, cfg, settings, logs, engine, ids, history: openHistory(cfg) };
}

test('a create that does not name its backup skips retention: another device that backed up last keeps its backups', async (t) => {
  // Regression: the client took list()[0] (the other device's newest) as the new backup, the engine
  // learned "desktop" as this device, and keepLast 1 then deleted desktop's older backup.
  const r = await rig(t, { deviceName: 'laptop', faults: { omitBackup: true, noDeviceInformation: true }, retention: { keepLast: 1 } });
  const now = Date.now();
  await r.emu.seed(2, { deviceName: 'laptop', startDate: new Date(now - 20 * DAY) });
  await r.emu.seed(2, { deviceName: 'desktop', startDate: new Date(now - 3 * HOUR) });
  const before = await r.ids();
  const run = r.engine().backupNow();
  assert.ok(run.started);
  const entry = await run.done;
  assert.equal(entry.result, 'completed');
  assert.equal(entry.backupId, undefined, 'no id is invented');
  assert.match(entry.note ?? '', /did not say which backup it made, so retention was skipped/);
  assert.match((await r.history.list())[0]?.note ?? '', /retention was skipped/, 'the history says so');
  assert.ok(r.logs.some((l) => /Retention did not run/.test(l)), 'the log says so');
  const after = await r.ids();
  assert.equal(after.length, before.length + 1, 'nothing deleted, the new backup added');
  for (const id of before) assert.ok(after.includes(id), `${id} kept`);
  await assert.rejects(readFile(join(r.cfg, DEVICE_FILE), 'utf8'), 'nothing was learned from the list');
});

test("this device is PiecesOS's name for it, not the host name: the dry run and the run delete the same backups", async (t) => {
  // Regression: before any backup the engine used os.hostname(); the dry run said nothing would be
  // deleted, and the first run then deleted four.
  const deviceName = `vm-${process.pid}`;
  assert.notEqual(deviceName, hostname());
  const r = await rig(t, { deviceName, retention: { maxAgeDays: 7 } });
  const now = Date.now();
  await r.emu.seed(4, { deviceName, startDate: new Date(now - 60 * DAY) });
  await r.emu.seed(1, { deviceName, startDate: new Date(now - DAY) });
  await r.emu.seed(2, { deviceName: 'desktop', startDate: new Date(now - 90 * DAY) });
  const e = r.engine();
  const dry = await e.previewRetention(r.settings.get().retention);
  assert.equal(dry.thisDevice, deviceName);
  assert.equal(dry.skipped, null);
  assert.equal(dry.delete.length, 4, 'the dry run sees the four old backups of this device');
  const deleted: string[] = [];
  e.on('retention', (o) => deleted.push(...o.deleted.map((b) => b.id)));
  const run = e.backupNow();
  assert.ok(run.started);
  assert.equal((await run.done).result, 'completed');
  assert.deepEqual([...deleted].sort(), dry.delete.map((b) => b.id).sort(), 'the run deleted exactly what the dry run said');
  const left = await r.client.list();
  assert.equal(left.filter((b) => b.deviceName === 'desktop').length, 2, "another device's backups are untouched");
  const kept = JSON.parse(await readFile(join(r.cfg, DEVICE_FILE), 'utf8')) as { name: string; source: string };
  assert.deepEqual([kept.name, kept.source], [deviceName, 'pieces-os']);
});

test('without the device endpoint: nothing is deleted until a backup made here names this device; the name survives a restart', async (t) => {
  const r = await rig(t, { deviceName: 'laptop', faults: { noDeviceInformation: true }, retention: { maxAgeDays: 7 } });
  await r.emu.seed(3, { deviceName: 'laptop', startDate: new Date(Date.now() - 60 * DAY) });
  const first = r.engine();
  const unknown = await first.previewRetention(r.settings.get().retention);
  assert.equal(unknown.thisDevice, null);
  assert.equal(unknown.skipped, DEVICE_UNKNOWN, 'the dry run says why it deletes nothing');
  assert.deepEqual(unknown.delete, []);
  const run = first.backupNow();
  assert.ok(run.started);
  const entry = await run.done;
  assert.ok(entry.backupId, 'the create named its backup');
  assert.equal((await r.ids()).length, 1, 'learned from its own backup, the run pruned the three old ones');
  await first.stop();
  // A restart: a new engine on the same folder knows the device without making a backup.
  const second = r.engine();
  await r.emu.seed(2, { deviceName: 'laptop', startDate: new Date(Date.now() - 30 * DAY) });
  const known = await second.previewRetention(r.settings.get().retention);
  assert.equal(known.thisDevice, 'laptop');
  assert.equal(known.delete.length, 2);
});

test('a backup dated in the future never pushes out the backup just made, and is itself kept', async (t) => {
  // Regression: "newest" was decided by date alone, so with keepLast 1 a backup dated 2999 made
  // every run delete the backup it had just made.
  const r = await rig(t, { deviceName: 'laptop', retention: { keepLast: 1 } });
  await r.emu.seed(1, { deviceName: 'laptop', startDate: new Date('2999-01-01T00:00:00Z') });
  const [future] = await r.ids();
  const e = r.engine();
  const made: string[] = [];
  for (let i = 0; i < 2; i++) {
    const run = e.backupNow();
    assert.ok(run.started);
    const entry = await run.done;
    assert.equal(entry.result, 'completed');
    made.push(entry.backupId!);
    const now = await r.ids();
    assert.ok(now.includes(entry.backupId!), `run ${i + 1}: the backup just made is kept`);
    assert.ok(now.includes(future!), `run ${i + 1}: the future-dated backup is kept`);
  }
  assert.deepEqual((await r.ids()).sort(), [future!, made[1]!].sort(), 'keep the newest 1: the first run’s backup went, the second stays');
  const dry = await e.previewRetention(r.settings.get().retention);
  assert.deepEqual(dry.futureDated.map((b) => b.id), [future], 'the dry run lists it as dated in the future');
});

test('keepLast counts per device: allowing other devices never lets one push out another', async (t) => {
  const r = await rig(t, { deviceName: 'laptop', retention: { keepLast: 2, includeOtherDevices: true } });
  const now = Date.now();
  await r.emu.seed(3, { deviceName: 'laptop', startDate: new Date(now - 30 * DAY) });
  // Another device that backs up much more often, all newer than this one's.
  await r.emu.seed(5, { deviceName: 'desktop', startDate: new Date(now - 10 * HOUR) });
  const dry = await r.engine().previewRetention(r.settings.get().retention);
  const byDevice = (list: { deviceName: string }[], d: string) => list.filter((b) => b.deviceName === d).length;
  assert.equal(byDevice(dry.delete, 'laptop'), 1, 'laptop keeps its newest 2 of 3');
  assert.equal(byDevice(dry.delete, 'desktop'), 3, 'desktop keeps its newest 2 of 5');
});
