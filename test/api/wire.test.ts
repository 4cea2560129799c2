import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wireBackup, fromWireBackup, toWireBackup, wireStreamedProgress, wireBackupStatus, sortNewestFirst } from '../../main/api/wire.js';

const sample = {
  id: '9.0.5_1732612345678', version: '9.0.5', timestamp: '1732612345678', bytes: 1234,
  created: { value: '2024-11-26T09:12:25.678Z', readable: 'a while ago' }, device_name: 'laptop', platform: 'LINUX',
};

test('a wire Backup maps to camelCase and back, ignoring unknown fields', () => {
  const parsed = wireBackup.parse({ ...sample, extra: { nested: true }, schema: { migration: 0, semantic: 'UNKNOWN' } });
  const b = fromWireBackup(parsed);
  assert.deepEqual(b, {
    id: sample.id, version: '9.0.5', timestamp: '1732612345678', bytes: 1234, created: '2024-11-26T09:12:25.678Z',
    createdReadable: 'a while ago', deviceName: 'laptop', platform: 'LINUX',
  });
  assert.deepEqual(toWireBackup(b), sample);
});

test('unknown enum values become UNKNOWN instead of failing', () => {
  assert.equal(wireBackup.parse({ ...sample, platform: 'PLAN9' }).platform, 'UNKNOWN');
  assert.equal(wireStreamedProgress.parse({ status: 'PAUSED', percentage: 3 }).status, 'UNKNOWN');
  assert.equal(wireStreamedProgress.parse({ status: 'IN-PROGRESS', percentage: null }).status, 'IN-PROGRESS');
});

test('a Backup missing a required field or with a wrong type is rejected', () => {
  const { device_name: _omit, ...noDevice } = sample;
  assert.equal(wireBackup.safeParse(noDevice).success, false);
  assert.equal(wireBackup.safeParse({ ...sample, bytes: '12' }).success, false);
});

test('sortNewestFirst orders by created time, unparsable dates last', () => {
  const mk = (id: string, created: string) => fromWireBackup(wireBackup.parse({ ...sample, id, created: { value: created } }));
  const sorted = sortNewestFirst([mk('a', '2024-01-01T00:00:00Z'), mk('bad', 'not a date'), mk('c', '2025-01-01T00:00:00Z')]);
  assert.deepEqual(sorted.map((b) => b.id), ['c', 'a', 'bad']);
});

test('sortNewestFirst equals a plain comparator sort for any list (ties by id, bad dates last), sorted or not', async () => {
  const fc = (await import('fast-check')).default;
  const mk = (id: string, created: string) => fromWireBackup(wireBackup.parse({ ...sample, id, created: { value: created } }));
  const created = fc.oneof(
    fc.integer({ min: 0, max: 5 }).map((h) => new Date(Date.UTC(2025, 0, 1, h)).toISOString()),
    fc.constant('not a date'),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), created), { maxLength: 40 }), fc.boolean(), (rows, presort) => {
      const key = (b: { created: string }) => { const t = Date.parse(b.created); return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t; };
      const naive = (l: ReturnType<typeof mk>[]) => [...l].sort((a, b) => (key(b) - key(a)) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      let list = rows.map(([id, c]) => mk(id, c));
      if (presort) list = naive(list);
      const expected = naive(list).map((b) => `${b.id}|${b.created}`);
      assert.deepEqual(sortNewestFirst(list).map((b) => `${b.id}|${b.created}`), expected);
    }),
    { numRuns: 300 },
  );
});

test('percentages are clamped to 0–100 and non-finite ones (1e400) mean none, in progress values and BackupStatus alike', () => {
  // Regression (issue 8): JSON.parse turns 1e400 into Infinity, which failed the whole backup.
  const cases: [string, number | null][] = [['1e400', null], ['-1e400', null], ['150', 100], ['-2', 0], ['42.5', 42.5], ['null', null]];
  for (const [text, expected] of cases) {
    const progress = wireStreamedProgress.parse(JSON.parse(`{"status":"IN-PROGRESS","percentage":${text}}`));
    assert.equal(progress.percentage, expected, text);
    const status = wireBackupStatus.parse(JSON.parse(`{"value":"IN-PROGRESS","percentage":${text},"backup":${JSON.stringify(sample)}}`));
    assert.equal(status.percentage, expected, text);
  }
  assert.equal(wireStreamedProgress.parse({ status: 'INITIALIZED' }).percentage, undefined);
  // Not a number at all is still a schema error, naming the field.
  const bad = wireStreamedProgress.safeParse({ percentage: 'ten' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, ['percentage']);
});
