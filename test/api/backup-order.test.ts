// The hand-written reading of ISO dates that sorting uses (issue 13) against Date.parse itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createdMillis, isoMillis, sortNewestFirst } from '../../main/api/backup-order.js';
import type { Backup } from '../../main/api/wire.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

test('iso dates: edge cases read exactly as Date.parse reads them', () => {
  for (const s of ['2026-11-28T18:28:18.046Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '2026-02-30T00:00:00.000Z',
    '2026-02-32T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T24:00:00.001Z', '2026-13-01T00:00:00.000Z', '2026-00-01T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z', '0099-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1600-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z']) {
    assert.equal(isoMillis(s), Date.parse(s), s);
  }
  assert.equal(isoMillis('2026-11-28T18:28:18Z'), undefined, 'another form is left to Date.parse');
  assert.equal(isoMillis('2026-11-28T18:28:18.04aZ'), undefined);
});

test('property: iso dates of any digits read exactly as Date.parse reads them', async () => {
  const fc = await import('fast-check');
  const iso = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }))
    .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
  const plausible = fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString());
  fc.assert(fc.property(fc.oneof(iso, plausible), (s) => {
    const mine = isoMillis(s);
    assert.equal(mine === undefined ? Date.parse(s) : mine, Date.parse(s), s);
  }), { numRuns: 20000 });
});

test('sorting with the hand-read dates gives the order Date.parse gives', async () => {
  const fc = await import('fast-check');
  const created = fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)) }).map((d) => d.toISOString()), fc.constantFrom('not a date', '2026-02-32T00:00:00.000Z', '2026-11-28T18:28:18Z'));
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), created), { maxLength: 20 }), (items) => {
    const list: Backup[] = items.map(([id, c]) => ({ id, version: '1', timestamp: '1', bytes: 1, created: c, deviceName: 'd', platform: 'LINUX' }));
    const byDateParse = (b: Backup) => (Number.isNaN(Date.parse(b.created)) ? Number.NEGATIVE_INFINITY : Date.parse(b.created));
    for (const b of list) assert.equal(createdMillis(b), byDateParse(b));
    const expected = [...list].sort((a, b) => (byDateParse(b) - byDateParse(a)) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    assert.deepEqual(sortNewestFirst([...list]).map((b) => [b.id, b.created]), expected.map((b) => [b.id, b.created]));
  }), { numRuns: 2000 });
});
