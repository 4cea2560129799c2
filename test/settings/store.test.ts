// The settings store against real files in temp folders: newer files, unwritable folders, the
// settings lock held by another process, reads that must not touch the disk, and changes made
// by another process reaching a running one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openSettings, type SettingsStore } from '../../main/settings/store.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { SETTINGS_VERSION } from '../../main/settings/migrations.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { unprivileged } from '../helpers/unprivileged.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('settings-store', fn);

/** Open a store and close it (its folder watch) when the test body ends. */
async function withStore(dir: string, fn: (s: SettingsStore) => Promise<void>): Promise<void> {
  const s = openSettings({ configDir: dir });
  try {
    await fn(s);
  } finally {
    s.close();
  }
}

const NEWER = SETTINGS_VERSION + 1;
const READ_ONLY_NEWER = /these settings come from a newer version of Pieces Backup; they are used read-only/i;

test('a settings file from a newer version is left untouched and used read-only (known keys, validated)', () =>
  withDir(async (dir) => {
    const file = join(dir, 'config.json');
    const text = JSON.stringify({
      version: NEWER,
      schedule: { kind: 'weekly', day: 3, time: '04:15' },
      catchUp: false,
      // A key this version does not know, and a known key whose value it does not accept.
      cloudSync: { enabled: true, bucket: 'b' },
      retention: { enabled: 'sometimes' },
    }, null, 1);
    await writeFile(file, text);
    await withStore(dir, async (s) => {
      assert.equal(s.recovered, undefined, 'a newer file is not "broken"');
      assert.match(s.readOnly?.reason ?? '', READ_ONLY_NEWER);
      const v = s.get();
      assert.deepEqual(v.schedule, { kind: 'weekly', day: 3, time: '04:15' });
      assert.equal(v.catchUp, false);
      assert.deepEqual(v.retention, DEFAULT_SETTINGS.retention, 'an unacceptable value falls back to its default');
      assert.equal((v as Record<string, unknown>).cloudSync, undefined);
      assert.equal(await readFile(file, 'utf8'), text, 'opening it writes nothing');

      await assert.rejects(s.update({ catchUp: true }), READ_ONLY_NEWER);
      await assert.rejects(s.setPause('resume'), READ_ONLY_NEWER);
      await assert.rejects(s.setScheduleSetAt(new Date().toISOString()), READ_ONLY_NEWER);
      assert.equal(await readFile(file, 'utf8'), text, 'refused changes write nothing');
      assert.equal(s.get().catchUp, false);
    });
  }));

test('a newer file written while a store is open makes it read-only before it overwrites anything', () =>
  withDir(async (dir) => {
    await withStore(dir, async (s) => {
      const file = join(dir, 'config.json');
      const text = JSON.stringify({ version: NEWER, catchUp: false, cloudSync: true });
      await writeFile(file, text);
      await assert.rejects(s.update({ startAtLogin: true }), READ_ONLY_NEWER);
      assert.equal(await readFile(file, 'utf8'), text);
      assert.match(s.readOnly?.reason ?? '', READ_ONLY_NEWER);
    });
  }));

test('read-only folder + corrupt config.json: defaults in memory, read-only, saying settings cannot be saved', { timeout: 30_000 }, () =>
  withDir(async (dir) => {
    // A real read-only folder. Tests run as root here, which ignores permission bits, so the store
    // runs in a child process as an unprivileged user (nobody) when we are root.
    const cfg = join(dir, 'cfg');
    fs.mkdirSync(cfg);
    fs.writeFileSync(join(cfg, 'config.json'), '{"schedule": {"kind": "dai');
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(cfg, 0o555);
    const storeUrl = new URL('../../main/settings/store.ts', import.meta.url).href;
    const script = `import { openSettings } from ${JSON.stringify(storeUrl)};
      const s = openSettings({ configDir: ${JSON.stringify(cfg)} });
      let refused = null;
      try { await s.update({ catchUp: false }); } catch (e) { refused = e.message; }
      process.stdout.write(JSON.stringify({ readOnly: s.readOnly ?? null, recovered: s.recovered ?? null, settings: s.get(), refused }));
      s.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], ...unprivileged() });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, err);
    const r = JSON.parse(out) as { readOnly: { reason: string } | null; recovered: { reason: string } | null; settings: unknown; refused: string | null };
    assert.match(r.readOnly?.reason ?? '', /settings cannot be saved/i);
    assert.match(r.recovered?.reason ?? '', /not valid JSON/);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
    assert.match(r.refused ?? '', /settings cannot be saved/i);
    assert.equal(fs.readFileSync(join(cfg, 'config.json'), 'utf8'), '{"schedule": {"kind": "dai', 'the broken file is still there, untouched');
    fs.chmodSync(cfg, 0o755);
  }));

test('waiting for the settings lock held by another process never blocks the event loop', { timeout: 30_000 }, () =>
  withDir(async (dir) => {
    await withStore(dir, async (s) => {
      const lockUrl = new URL('../../main/engine/file-lock.ts', import.meta.url).href;
      // Another process takes the settings lock, says so, holds it for 1.5 s, then releases it.
      const script = `import { withFileLock } from ${JSON.stringify(lockUrl)};
        await withFileLock(${JSON.stringify(join(dir, 'config.json.lock'))}, async () => {
          process.stdout.write('held\\n');
          await new Promise((r) => setTimeout(r, 1500));
          process.stdout.write('released\\n');
        });`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise((r) => child.on('close', r));
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the other process never took the lock')), 20_000);
        child.stdout.on('data', () => out.includes('held') && (clearTimeout(t), resolve()));
      });

      let ticks = 0;
      const interval = setInterval(() => ticks++, 10);
      try {
        const pending = s.update({ catchUp: false });
        const ticksAtCall = ticks;
        const saved = await pending;
        const ticksWhileWaiting = ticks - ticksAtCall;
        assert.ok(ticksWhileWaiting >= 3, `the event loop turned ${ticksWhileWaiting} times while waiting for the lock`);
        assert.ok(out.includes('held'));
        assert.equal(saved.catchUp, false);
        assert.equal(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).catchUp, false);
      } finally {
        clearInterval(interval);
        await exited;
      }
    });
  }));

test('get() reads memory only: no stat, no read, per call', () =>
  withDir(async (dir) => {
    await withStore(dir, async (s) => {
      await s.update({ catchUp: false });
      s.get();
      const counts = { stat: 0, read: 0 };
      const originals = { statSync: fs.statSync, readFileSync: fs.readFileSync, existsSync: fs.existsSync };
      Object.assign(fs, {
        statSync: (...a: Parameters<typeof fs.statSync>) => (counts.stat++, originals.statSync(...a)),
        existsSync: (...a: Parameters<typeof fs.existsSync>) => (counts.stat++, originals.existsSync(...a)),
        readFileSync: (...a: Parameters<typeof fs.readFileSync>) => (counts.read++, originals.readFileSync(...a)),
      });
      syncBuiltinESMExports();
      try {
        for (let i = 0; i < 1000; i++) assert.equal(s.get().catchUp, false);
      } finally {
        Object.assign(fs, originals);
        syncBuiltinESMExports();
      }
      assert.deepEqual(counts, { stat: 0, read: 0 });
    });
  }));

test('what get() returns cannot change the stored settings', () =>
  withDir(async (dir) => {
    await withStore(dir, async (s) => {
      const v = s.get();
      try {
        (v.retention as { keepLast: number | null }).keepLast = 99;
      } catch {
        // frozen: fine
      }
      assert.equal(s.get().retention.keepLast, null);
    });
  }));

function nextChange(s: SettingsStore, ms = 5000): Promise<{ next: ReturnType<SettingsStore['get']>; prev: ReturnType<SettingsStore['get']> }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`no change reached the listener within ${ms} ms`))), ms);
    const off = s.onChange((next, prev) => {
      clearTimeout(t);
      off();
      resolve({ next, prev });
    });
  });
}

test('a change saved by another process reaches onChange listeners and get() without a restart', () =>
  withDir(async (dir) => {
    await withStore(dir, async (running) => {
      assert.deepEqual(running.get().schedule, DEFAULT_SETTINGS.schedule);
      const changed = nextChange(running);
      await withStore(dir, async (other) => {
        await other.update({ schedule: { kind: 'daily', time: '03:00' } });
      });
      const { next, prev } = await changed;
      assert.deepEqual(next.schedule, { kind: 'daily', time: '03:00' });
      assert.deepEqual(prev.schedule, DEFAULT_SETTINGS.schedule);
      assert.deepEqual(running.get().schedule, { kind: 'daily', time: '03:00' });

      // A hand edit of the file (not atomic, not through the store) arrives too.
      const edited = nextChange(running);
      const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      await writeFile(join(dir, 'config.json'), JSON.stringify({ ...onDisk, catchUp: false }));
      assert.equal((await edited).next.catchUp, false);
    });
  }));

test('a half-written or invalid file seen while running is ignored, not adopted and not moved aside', () =>
  withDir(async (dir) => {
    await withStore(dir, async (s) => {
      await s.update({ catchUp: false });
      await writeFile(join(dir, 'config.json'), '{"catchUp": tr');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(s.get().catchUp, false);
      assert.equal(await readFile(join(dir, 'config.json'), 'utf8'), '{"catchUp": tr');
    });
  }));
