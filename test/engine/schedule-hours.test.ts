// "Every N hours" offers only divisors of 24: cron's */N restarts each day at midnight, so any other
// N left a shorter gap there (every 5 hours ran 15:00, 20:00, 00:00: a 4-hour gap). A settings file
// from before (version 5) holding another N is migrated to the largest divisor below it, so backups
// never end up further apart than the person chose. Also: custom cron described in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVERY_N_HOURS, describeSchedule, nextRuns, scheduleNote, validateSchedule } from '../../main/engine/schedule.js';
import { schedulePreview } from '../../main/ipc/handlers.js';
import { openSettings } from '../../main/settings/store.js';
import { migrate, SETTINGS_VERSION } from '../../main/settings/migrations.js';
import { withTempDir } from '../helpers/temp-dir.js';

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi);

test('every N hours is offered only for divisors of 24, and each runs exactly N hours apart over several days', () => {
  assert.deepEqual([...EVERY_N_HOURS], [1, 2, 3, 4, 6, 8, 12]);
  for (const hours of EVERY_N_HOURS) {
    const runs = nextRuns({ kind: 'every-n-hours', hours }, local(2026, 3, 2, 13, 17), Math.ceil((3 * 24) / hours));
    const gaps = new Set(runs.slice(1).map((t, i) => (t.getTime() - runs[i]!.getTime()) / 3_600_000));
    assert.deepEqual([...gaps], [hours], `every ${hours} hours: gaps ${[...gaps].join(', ')}`);
  }
  for (const hours of [5, 7, 9, 10, 11, 13, 23]) {
    const v = validateSchedule({ kind: 'every-n-hours', hours });
    assert.equal(v.ok, false, `every ${hours} hours is refused`);
    assert.match(!v.ok ? v.message : '', /divide/, 'the refusal says why');
  }
});

test('a version-5 settings file with a non-divisor "every N hours" is migrated to the largest divisor below it', () => {
  const cases: Array<[number, number]> = [[5, 4], [7, 6], [9, 8], [11, 8], [13, 12], [23, 12], [6, 6], [1, 1]];
  for (const [from, to] of cases) {
    const { data } = migrate({ version: 5, schedule: { kind: 'every-n-hours', hours: from } });
    assert.deepEqual(data.schedule, { kind: 'every-n-hours', hours: to }, `${from} → ${to}`);
    assert.equal(data.version, SETTINGS_VERSION);
  }
  const daily = migrate({ version: 5, schedule: { kind: 'daily', time: '09:00' } }).data;
  assert.deepEqual(daily.schedule, { kind: 'daily', time: '09:00' }, 'other schedules are left alone');
});

test('the store opens a version-5 file with every 5 hours as every 4 hours, rewritten, nothing else changed', () =>
  withTempDir('schedule-hours', async (dir) => {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ version: 5, schedule: { kind: 'every-n-hours', hours: 5 }, catchUp: false }));
    const s = openSettings({ configDir: dir });
    try {
      assert.equal(s.recovered, undefined, 'not treated as broken');
      assert.deepEqual(s.get().schedule, { kind: 'every-n-hours', hours: 4 });
      assert.equal(s.get().catchUp, false);
      await s.flush();
      const onDisk = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(onDisk.version, SETTINGS_VERSION);
      assert.deepEqual(onDisk.schedule, { kind: 'every-n-hours', hours: 4 });
      await assert.rejects(s.update({ schedule: { kind: 'every-n-hours', hours: 5 } }), /divide/);
    } finally {
      s.close();
    }
  }));

test('a custom cron is described in words, not echoed; more often than hourly carries a note; invalid ones still say why', () => {
  const words = describeSchedule({ kind: 'custom', cron: '30 2 * * 1-5' });
  assert.doesNotMatch(words, /30 2 \* \* 1-5/);
  assert.match(words, /Monday through Friday/);
  assert.match(words, /02:30|2:30 AM/);
  assert.equal(scheduleNote({ kind: 'custom', cron: '30 2 * * 1-5' }), null);
  assert.equal(scheduleNote({ kind: 'daily', time: '12:00' }), null);
  assert.match(scheduleNote({ kind: 'custom', cron: '*/20 * * * *' }) ?? '', /^Runs more often than once an hour: /);
  assert.match(scheduleNote({ kind: 'custom', cron: '0,30 9 * * *' }) ?? '', /^Runs more often than once an hour: /);
  const p = schedulePreview({ kind: 'custom', cron: '*/20 * * * *' }, local(2026, 3, 2, 10));
  assert.equal(p.valid, true);
  assert.match(p.description, /Every 20 minutes/);
  assert.match(p.note ?? '', /^Runs more often than once an hour: /);
  const bad = schedulePreview({ kind: 'custom', cron: '61 * * * *' }, local(2026, 3, 2, 10));
  assert.equal(bad.valid, false);
  assert.match(bad.description, /not a valid cron expression.*minute/);
});
