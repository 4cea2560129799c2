import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSettings } from '../../main/settings/store.js';
import { defaultConfigDir, APP_NAME } from '../../main/settings/paths.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { SETTINGS_VERSION } from '../../main/settings/migrations.js';
import { withTempDir } from '../helpers/temp-dir.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('settings', fn);

test('the default config folder is Electron userData for "Pieces Backup"', () => {
  assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u'), join('/x', APP_NAME));
  assert.equal(defaultConfigDir({}, 'linux', '/home/u'), join('/home/u/.config', APP_NAME));
  assert.equal(defaultConfigDir({}, 'darwin', '/Users/u'), join('/Users/u/Library/Application Support', APP_NAME));
  assert.equal(defaultConfigDir({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\u'), join('C:\\AppData', APP_NAME));
});

test('a fresh folder starts on defaults and writes config.json with a version', () =>
  withDir(async (dir) => {
    const s = openSettings({ configDir: dir });
    assert.deepEqual(s.get(), DEFAULT_SETTINGS);
    assert.equal(s.recovered, undefined);
    const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    assert.equal(onDisk.version, SETTINGS_VERSION);
  }));

test('updates are validated; invalid ones reject with a clear message and write nothing', () =>
  withDir(async (dir) => {
    const s = openSettings({ configDir: dir, now: () => Date.UTC(2026, 10, 27) });
    const seen: string[] = [];
    s.onChange((n) => seen.push(JSON.stringify(n.schedule)));
    const next = await s.update({ schedule: { kind: 'weekly', day: 2, time: '07:30' }, catchUp: false });
    assert.equal(next.catchUp, false);
    assert.equal(next.scheduleSetAt, '2026-11-27T00:00:00.000Z');
    const before = await readFile(join(dir, 'config.json'), 'utf8');
    await assert.rejects(s.update({ schedule: { kind: 'daily', time: '7am' } } as never), /Settings not saved: schedule.*HH:MM/);
    await assert.rejects(s.update({ schedule: { kind: 'custom', cron: '99 * * * *' } }), /Settings not saved: .*minute/);
    await assert.rejects(s.update({ bogus: 1 } as never), /Settings not saved/);
    assert.equal(await readFile(join(dir, 'config.json'), 'utf8'), before);
    assert.equal(seen.length, 1);
    // Another store on the same folder (another process) sees the change.
    assert.equal(openSettings({ configDir: dir }).get().schedule.kind, 'weekly');
  }));

test('corrupt JSON is moved aside and the store starts on defaults, saying so', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'config.json'), '{"schedule": {"kind": "dai');
    const s = openSettings({ configDir: dir });
    assert.deepEqual(s.get(), DEFAULT_SETTINGS);
    assert.ok(s.recovered);
    assert.match(s.recovered.reason, /not valid JSON.*default settings/);
    const files = await readdir(dir);
    assert.ok(files.some((f) => f.startsWith('config.json.broken-')), files.join());
    assert.equal(await readFile(s.recovered.brokenFile, 'utf8'), '{"schedule": {"kind": "dai');
  }));

test('schema-invalid content is moved aside too', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ version: 2, schedule: { kind: 'daily', time: '99:99' } }));
    const s = openSettings({ configDir: dir });
    assert.match(s.recovered?.reason ?? '', /schedule/);
    assert.deepEqual(s.get().schedule, DEFAULT_SETTINGS.schedule);
  }));

test('an old (version 0) file is migrated, not discarded', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ schedule: '0 3 * * *', baseUrl: 'http://127.0.0.1:39300', notifications: false, retention: { enabled: true, keepLast: 5, maxAgeDays: null } }));
    const s = openSettings({ configDir: dir });
    assert.equal(s.recovered, undefined);
    const v = s.get();
    assert.deepEqual(v.schedule, { kind: 'custom', cron: '0 3 * * *' });
    assert.equal(v.piecesOsUrl, 'http://127.0.0.1:39300');
    assert.deepEqual(v.notifications, { onFailure: false, onSuccess: false, afterCatchUp: false });
    assert.equal(v.retention.includeOtherDevices, false);
    assert.equal(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).version, SETTINGS_VERSION);
  }));

test('pause is stored and shared', () =>
  withDir(async (dir) => {
    const s = openSettings({ configDir: dir });
    await s.setPause('resume');
    assert.equal(openSettings({ configDir: dir }).get().pausedUntil, 'resume');
    await s.setPause(null);
    assert.equal(s.get().pausedUntil, null);
  }));

test('safetyBackupBeforeRestore: on by default, filled in (on) for a version-3 file, and can be turned off', () =>
  withDir(async (dir) => {
    assert.equal(DEFAULT_SETTINGS.safetyBackupBeforeRestore, true);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ version: 3, catchUp: false, stallMinutes: 20 }));
    const s = openSettings({ configDir: dir });
    try {
      assert.equal(s.get().safetyBackupBeforeRestore, true);
      assert.equal(s.get().stallMinutes, 20, 'the rest of the file is kept');
      assert.equal((await s.update({ safetyBackupBeforeRestore: false })).safetyBackupBeforeRestore, false);
      const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      assert.equal(onDisk.version, SETTINGS_VERSION);
      assert.equal(onDisk.safetyBackupBeforeRestore, false);
      await assert.rejects(s.update({ safetyBackupBeforeRestore: 'yes' } as never), /safetyBackupBeforeRestore/);
    } finally {
      s.close();
    }
  }));

test('overdueDays: 3 by default, filled in for a version-4 file, an integer of at least 1', () =>
  withDir(async (dir) => {
    assert.equal(DEFAULT_SETTINGS.overdueDays, 3);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ version: 4, catchUp: false }));
    const s = openSettings({ configDir: dir });
    try {
      assert.equal(s.get().overdueDays, 3);
      assert.equal(s.get().catchUp, false, 'the rest of the file is kept');
      assert.equal((await s.update({ overdueDays: 7 })).overdueDays, 7);
      await assert.rejects(s.update({ overdueDays: 0 }));
      await assert.rejects(s.update({ overdueDays: 1.5 }));
      const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      assert.equal(onDisk.version, SETTINGS_VERSION);
      assert.equal(onDisk.overdueDays, 7);
    } finally {
      s.close();
    }
  }));
