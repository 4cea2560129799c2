// The list's one-pass check against the zod schema it stands in for (issue 13, target 2): for
// any body, well formed or not, it must accept exactly what `wireBackups` accepts and give the
// very Backups zod's output maps to; what it refuses must end in zod's own error.
import { test } from 'node:test';
import type { Arbitrary } from 'fast-check';
import assert from 'node:assert/strict';
import { backupsFromList, backupsIfWellFormed } from '../../main/api/backup-list.js';
import { BackupsApiError } from '../../main/api/errors.js';
import { fromWireBackup, wireBackups } from '../../main/api/wire.js';

/** What the list did before the fast path: zod, then the mapping (null when zod refuses). */
function viaZod(value: unknown): unknown {
  const r = wireBackups.safeParse(value);
  return r.success ? r.data.iterable.map(fromWireBackup) : null;
}

const good = {
  id: '12.0.0_1', version: '12.0.0', timestamp: '1', bytes: 5,
  created: { value: '2026-01-01T00:00:00.000Z', readable: 'now' }, device_name: 'box', platform: 'LINUX',
};

test('backup list: the fast check accepts and refuses hand-picked bodies exactly as the zod schema does', () => {
  const cases: unknown[] = [
    { iterable: [] }, { iterable: [good] }, { iterable: [{ ...good, platform: 'PLAN9' }] }, { iterable: [{ ...good, extra: 1, created: { value: 'x', z: 2 } }] },
    { iterable: [{ ...good, created: { value: 'x' } }] }, { iterable: [{ ...good, created: { value: 'x', readable: undefined } }] },
    { iterable: [{ ...good, created: { value: 'x', readable: null } }] }, { iterable: [{ ...good, bytes: Infinity }] }, { iterable: [{ ...good, bytes: NaN }] },
    { iterable: [{ ...good, bytes: -0.5 }] }, { iterable: [{ ...good, bytes: '5' }] }, { iterable: [{ ...good, id: undefined }] }, { iterable: [{ ...good, created: [] }] },
    { iterable: [[]] }, { iterable: [null] }, { iterable: {} }, { iterable: 'x' }, {}, [], null, 'x', 3, { iterable: [good, { ...good, platform: 4 }] },
    Object.assign(Object.create({ iterable: [good] }) as object, {}), { iterable: [Object.assign(Object.create(good) as object, {})] },
  ];
  for (const c of cases) assert.deepEqual(backupsIfWellFormed(c), viaZod(c), JSON.stringify(c) ?? String(c));
});

test('backup list: a body the fast check refuses fails with zod\'s first complaint', () => {
  assert.throws(() => backupsFromList({ iterable: [good, { ...good, bytes: 'many' }] }, 'a backup list'), (e: unknown) => {
    assert.ok(e instanceof BackupsApiError);
    assert.equal(e.kind, 'bad-response');
    assert.match(e.message, /^PiecesOS sent a backup list in an unexpected shape \(iterable\.1\.bytes: /);
    return true;
  });
});

test('property: the fast check equals zod (accept, refuse, mapped result) for any list body', async () => {
  const fc = await import('fast-check');
  const str = fc.string({ maxLength: 6 });
  const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.double(), fc.integer(), fc.boolean(), str, fc.constant([]), fc.constant({}));
  const field = <T>(ok: Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: ok }, { weight: 1, arbitrary: anything });
  const created = fc.oneof({ weight: 8, arbitrary: fc.record({ value: field(str), readable: field(str), other: anything }, { requiredKeys: [] }) }, { weight: 1, arbitrary: anything });
  const backup = fc.oneof(
    { weight: 10, arbitrary: fc.record({
      id: field(str), version: field(str), timestamp: field(str), bytes: field(fc.oneof(fc.integer(), fc.double())), created,
      device_name: field(str), platform: field(fc.constantFrom('LINUX', 'MACOS', 'WINDOWS', 'UNKNOWN', 'PLAN9', 'linux', '')), extra: anything,
    }, { requiredKeys: ['id', 'version', 'timestamp', 'bytes', 'created', 'device_name', 'platform'] }) },
    { weight: 1, arbitrary: fc.record({ id: field(str), bytes: field(fc.integer()) }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anything },
  );
  const body = fc.oneof({ weight: 10, arbitrary: fc.record({ iterable: fc.array(backup, { maxLength: 6 }), more: anything }, { requiredKeys: ['iterable'] }) }, { weight: 1, arbitrary: anything }, { weight: 1, arbitrary: fc.jsonValue() });
  fc.assert(
    fc.property(body, (b) => {
      assert.deepEqual(backupsIfWellFormed(b), viaZod(b));
      // A body as it comes off the wire (JSON), too.
      const wire: unknown = JSON.parse(JSON.stringify(b) ?? 'null');
      assert.deepEqual(backupsIfWellFormed(wire), viaZod(wire));
    }),
    { numRuns: 5000 },
  );
});
