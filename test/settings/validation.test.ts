// What the settings accept, the same for the window, the CLI and the file: schedules no more often
// than every 5 minutes, coherent retry delays, PiecesOS addresses on this machine only, and
// stallMinutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateSchedule } from '../../main/engine/schedule.js';
import { checkBaseUrl, normalizeBaseUrl } from '../../main/api/base-url.js';
import { openSettings } from '../../main/settings/store.js';
import { DEFAULT_SETTINGS, settingsPatch } from '../../main/settings/schema.js';
import { savedPiecesOsUrl } from '../../main/settings/saved-url.js';
import { resolveBaseUrl } from '../../main/api/discovery.js';
import { SETTINGS_VERSION } from '../../main/settings/migrations.js';
import { withTempDir } from '../helpers/temp-dir.js';

const TOO_OFTEN = /more often than every 5 minutes/;

test('a schedule that fires more often than every 5 minutes is refused, with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['* * * * * *', /every second|1 second/],
    ['*/1 * * * *', /1 minute/],
    ['*/4 * * * *', /4 minutes/],
    ['0,30 * * * * *', /30 seconds/],
    ['0,2 3 * * *', /2 minutes/],
    ['*/10 */2 * * * *', /10 seconds/],
    // 23:59 one day, 00:00 the next.
    ['0,59 0,23 * * *', /1 minute/],
  ];
  for (const [cron, gap] of cases) {
    const v = validateSchedule({ kind: 'custom', cron });
    assert.equal(v.ok, false, cron);
    if (!v.ok) {
      assert.match(v.message, TOO_OFTEN, cron);
      assert.match(v.message, gap, `${cron}: ${v.message}`);
    }
  }
  for (const cron of ['*/5 * * * *', '0 */5 * * * *', '0 3 * * *', '30 2 * * 1-5', '0,5,10 * * * *', '0 0,23 * * *', '15 10 14 * * *']) {
    assert.equal(validateSchedule({ kind: 'custom', cron }).ok, true, cron);
  }
  for (const spec of [{ kind: 'hourly' }, { kind: 'every-n-hours', hours: 1 }, { kind: 'daily', time: '23:59' }, { kind: 'weekly', day: 0, time: '00:00' }]) {
    assert.equal(validateSchedule(spec).ok, true, JSON.stringify(spec));
  }
});

test('the store refuses a too-frequent schedule and writes nothing', () =>
  withTempDir('settings-validation', async (dir) => {
    const s = openSettings({ configDir: dir });
    try {
      await assert.rejects(s.update({ schedule: { kind: 'custom', cron: '* * * * * *' } }), TOO_OFTEN);
      assert.deepEqual(s.get().schedule, DEFAULT_SETTINGS.schedule);
    } finally {
      s.close();
    }
  }));

test('retries: a base delay above the longest delay is refused', () =>
  withTempDir('settings-validation', async (dir) => {
    const s = openSettings({ configDir: dir });
    try {
      await assert.rejects(s.update({ retries: { maxRetries: 3, baseDelaySeconds: 1000, maxDelaySeconds: 60 } }), /baseDelaySeconds.*maxDelaySeconds/);
      assert.deepEqual(s.get().retries, DEFAULT_SETTINGS.retries);
      const ok = await s.update({ retries: { maxRetries: 3, baseDelaySeconds: 60, maxDelaySeconds: 60 } });
      assert.equal(ok.retries.baseDelaySeconds, 60);
    } finally {
      s.close();
    }
  }));

test('a PiecesOS address must be on this machine, without a user name or password, at most 2,048 characters', () => {
  for (const good of ['http://localhost:39300', 'HTTP://LOCALHOST:39300/', 'http://127.0.0.1:1000', 'http://127.4.5.6:1', 'https://127.0.0.1', 'http://[::1]:39300', 'http://127.0.0.1:39300/pieces']) {
    const r = checkBaseUrl(good);
    assert.ok(r.ok, `${good}: ${r.ok ? '' : r.reason}`);
  }
  const refused: Array<[string, RegExp]> = [
    ['http://user:pass@127.0.0.1:39300', /user name or password/],
    ['http://user@localhost:39300', /user name or password/],
    [`http://127.0.0.1:39300/${'a'.repeat(2100)}`, /2,048 characters/],
    ['http://example.com:39300', /this machine.*loopback|loopback.*this machine/],
    ['http://192.168.1.20:39300', /loopback/],
    ['http://pieces.local:39300', /loopback/],
    ['http://[::2]:39300', /loopback/],
    ['http://localhost.evil.example:39300', /loopback/],
    ['ftp://127.0.0.1', /http/],
    ['http://127.0.0.1/?q=1', /query/],
  ];
  for (const [bad, why] of refused) {
    const r = checkBaseUrl(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.reason, why, `${bad}: ${r.reason}`);
    assert.equal(normalizeBaseUrl(bad), null, `normalizeBaseUrl agrees on ${bad}`);
  }
  // The settings schema uses the same rule and its reason.
  const p = settingsPatch.safeParse({ piecesOsUrl: 'http://example.com:39300' });
  assert.equal(p.success, false);
  assert.match(p.success ? '' : p.error.issues[0]!.message, /loopback/);
});

test('stallMinutes: whole minutes from 1 to 1440, default 10, filled in for older files', () =>
  withTempDir('settings-validation', async (dir) => {
    assert.equal(DEFAULT_SETTINGS.stallMinutes, 10);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ version: 2, catchUp: false }));
    const s = openSettings({ configDir: dir });
    try {
      assert.equal(s.get().stallMinutes, 10);
      assert.equal(s.get().catchUp, false);
      for (const bad of [0, 1441, 2.5, -1]) await assert.rejects(s.update({ stallMinutes: bad }), /stallMinutes/, String(bad));
      assert.equal((await s.update({ stallMinutes: 1440 })).stallMinutes, 1440);
      assert.equal((await s.update({ stallMinutes: 1 })).stallMinutes, 1);
    } finally {
      s.close();
    }
  }));

test('a file an older version accepted, with a value now refused: only that key is reset, the rest kept, the original kept aside', () =>
  withTempDir('settings-validation', async (dir) => {
    const original = JSON.stringify({
      version: 2,
      schedule: { kind: 'custom', cron: '* * * * *' },
      piecesOsUrl: 'http://pieces.lan:39300',
      retention: { enabled: true, keepLast: 7, maxAgeDays: null, includeOtherDevices: false },
      catchUp: false,
    });
    await writeFile(join(dir, 'config.json'), original);
    const s = openSettings({ configDir: dir });
    try {
      const v = s.get();
      assert.deepEqual(v.schedule, DEFAULT_SETTINGS.schedule);
      assert.equal(v.piecesOsUrl, null);
      assert.deepEqual(v.retention, { enabled: true, keepLast: 7, maxAgeDays: null, includeOtherDevices: false });
      assert.equal(v.catchUp, false);
      assert.match(s.recovered?.reason ?? '', /does not accept \(piecesOsUrl: .*loopback.*\); Pieces Backup reset piecesOsUrl and schedule to their defaults and kept the other settings/);
      assert.equal(await readFile(s.recovered!.brokenFile, 'utf8'), original);
      const saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      assert.equal(saved.version, SETTINGS_VERSION);
      assert.equal(saved.retention.keepLast, 7);
    } finally {
      s.close();
    }
  }));

test('a saved PiecesOS address that is no longer accepted is refused with the reason, not silently replaced by discovery', () =>
  withTempDir('settings-validation', async (dir) => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ version: 2, piecesOsUrl: 'http://10.1.2.3:39300' }));
    await assert.rejects(resolveBaseUrl({ explicit: savedPiecesOsUrl(dir), ports: [], fallbackPorts: [] }), /cannot be used.*loopback/);
  }));
