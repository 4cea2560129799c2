// The window's compact list (renderer/backup-store.ts): whatever list comes, the backups it hands
// out carry every field the window shows, exactly as given, in sortNewestFirst's order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createBackupStore, type BackupStore } from '../../renderer/backup-store.js';
import { PLATFORMS, type Backup } from '../../main/api/wire.js';
import { sortNewestFirst } from '../../main/api/backup-order.js';
import { groupByDevice } from '../../renderer/views/device-groups.js';

/** Every field but `createdReadable`, which the window never reads. */
function shown(b: Backup): Omit<Backup, 'createdReadable'> {
  const { createdReadable: _, ...rest } = b;
  return rest;
}

function all(store: BackupStore): Backup[] {
  return Array.from({ length: store.length }, (_, i) => store.at(i));
}

const iso = fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
// Dates in the forms a server might send, and some no parser reads.
const created = fc.oneof(
  iso,
  iso.map((s) => s.replace('.000Z', 'Z').replace(/\.\d{3}Z$/, '+00:00')),
  fc.constantFrom('not a date', '', '2026-02-30T10:00:00.000Z', '2026-11-28T24:00:00.000Z', '2026-11-28'),
  fc.string({ maxLength: 30 }),
);
const backup = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  version: fc.constantFrom('12.0.0', '11.3.1', '12.0.0-beta'),
  timestamp: fc.string({ maxLength: 14 }),
  bytes: fc.oneof(fc.nat(), fc.double(), fc.constant(Number.NaN)),
  created,
  createdReadable: fc.option(fc.constantFrom('2 hours ago', 'yesterday'), { nil: undefined }),
  deviceName: fc.constantFrom('me', 'old-laptop', 'desk', ''),
  platform: fc.constantFrom(...PLATFORMS),
}, { requiredKeys: ['id', 'version', 'timestamp', 'bytes', 'created', 'deviceName', 'platform'] }).map((b): Backup => ({ ...b }));
/** Timestamps as PiecesOS sends them: the creation's epoch milliseconds. */
const usual = backup.map((b) => ({ ...b, timestamp: String(Date.parse(b.created)) }));
const list = fc.array(fc.oneof(backup, usual), { maxLength: 40 });

test('the store hands out each backup as given, newest first by sortNewestFirst', () => {
  fc.assert(fc.property(list, (input) => {
    const copy = input.map((b) => ({ ...b }));
    const store = createBackupStore(input);
    assert.deepEqual(input, copy, 'the list given is left as it is');
    const expected = sortNewestFirst([...input]).map(shown);
    assert.deepEqual(all(store), expected);
    expected.forEach((b, i) => {
      assert.equal(store.id(i), b.id);
      assert.equal(store.deviceName(i), b.deviceName);
      assert.equal(store.created(i), b.created);
      assert.ok(Object.is(store.bytes(i), b.bytes));
    });
  }), { numRuns: 300 });
});

test('unparsable and unusual dates are kept as they came', () => {
  const b = (id: string, created: string): Backup => ({ id, version: '1', timestamp: '7', bytes: 1, created, deviceName: 'd', platform: 'LINUX' });
  const input = [b('a', 'not a date'), b('b', '2026-11-28T10:00:00Z'), b('c', '2026-02-30T10:00:00.000Z'), b('d', '2026-11-28T09:00:00.000Z')];
  const store = createBackupStore(input);
  assert.deepEqual(all(store), sortNewestFirst([...input]));
  assert.equal(store.find('a')?.created, 'not a date');
  assert.ok(Number.isNaN(store.createdMillis(store.indexOf('a'))));
  assert.equal(store.find('b')?.created, '2026-11-28T10:00:00Z');
});

test('removing a backup keeps every other one, in order, with its odd values', () => {
  fc.assert(fc.property(list, fc.nat(), (input, pick) => {
    const store = createBackupStore(input);
    const expected = sortNewestFirst([...input]).map(shown);
    if (expected.length === 0) {
      assert.equal(store.remove('missing'), false);
      return;
    }
    const id = expected[pick % expected.length]!.id;
    const gone = expected.findIndex((b) => b.id === id);
    assert.equal(store.remove(id), true);
    expected.splice(gone, 1);
    assert.deepEqual(all(store), expected);
    assert.throws(() => store.at(store.length), RangeError);
  }), { numRuns: 300 });
});

/** The groups, with each total size equal to the other's to 1e-12 of it: the store adds sizes
 * newest first, the list in its own order, and fractional sizes (the wire allows any number) sum
 * to a last bit that depends on the order (found by a run with seed 1290392633). */
function sameGroups(actual: ReturnType<typeof groupByDevice>, expected: ReturnType<typeof groupByDevice>): void {
  assert.deepEqual(actual.map((g) => ({ ...g, bytes: 0 })), expected.map((g) => ({ ...g, bytes: 0 })));
  actual.forEach((g, i) => {
    const want = expected[i]!.bytes;
    // Equal outright covers a total past the largest number (Infinity, shown as "—") on both sides.
    assert.ok(g.bytes === want || Math.abs(g.bytes - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${g.device}: ${g.bytes} bytes, expected ${want}`);
  });
}

test('the device groups read from the store are those of the list', () => {
  fc.assert(fc.property(list, fc.constantFrom('me', 'desk', null), fc.nat(), (input, thisDevice, pick) => {
    const store = createBackupStore(input);
    sameGroups(groupByDevice(store, thisDevice), groupByDevice(input, thisDevice));
    if (store.length > 0) store.remove(store.id(pick % store.length));
    sameGroups(groupByDevice(store, thisDevice), groupByDevice(all(store), thisDevice));
  }), { numRuns: 300 });
});

test('the device groups of lists that once failed: sizes a last bit apart, and a total past the largest number', () => {
  const input = [
    { id: ' ', version: '12.0.0', timestamp: '', bytes: 17262715, created: '', deviceName: 'me', platform: 'UNKNOWN' },
    { id: ' ', version: '12.0.0', timestamp: 'NaN', bytes: 251172741.8249332, created: 'not a date', deviceName: 'me', platform: 'UNKNOWN' },
    { id: ' ', version: '12.0.0', timestamp: '', bytes: 805306368, created: '2026-02-30T10:00:00.000Z', deviceName: 'me', platform: 'UNKNOWN' },
  ] as Backup[];
  sameGroups(groupByDevice(createBackupStore(input), 'me'), groupByDevice(input, 'me'));
  // And sizes whose total passes the largest number (seed -550007971): Infinity on both sides.
  const huge = [
    { id: 'a', version: '12.0.0', timestamp: '', bytes: 1.2972962011975679e293, created: '1970-01-01T00:00:00Z', deviceName: 'old-laptop', platform: 'UNKNOWN' },
    { id: 'b', version: '12.0.0', timestamp: 'NaN', bytes: 1.7976931348623145e308, created: 'not a date', deviceName: 'old-laptop', platform: 'UNKNOWN' },
  ] as Backup[];
  sameGroups(groupByDevice(createBackupStore(huge), null), groupByDevice(huge, null));
});
