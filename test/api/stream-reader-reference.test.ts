// The stream reader's fast paths (issue 13: bytes decoded through Buffer, values whose end one
// native search can guess handed straight to JSON.parse) against the reader as it was before
// them: for any stream, valid or hostile, cut anywhere, both must give the same values, the same
// "carried" answer for every piece, and the same error at the same piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressStreamReader } from '../../main/api/stream-reader.js';
import { BackupsApiError } from '../../main/api/errors.js';
import { ReferenceStreamReader } from '../helpers/reference-stream-reader.js';
import { cut } from '../helpers/chunks.js';

interface Outcome { values: unknown[]; carried: boolean[]; error: string | null }

interface Reader { push(chunk: Uint8Array): boolean; end(): void }

function run(make: (onValue: (v: unknown) => void) => Reader, chunks: Uint8Array[]): Outcome {
  const values: unknown[] = [];
  const carried: boolean[] = [];
  const r = make((v) => values.push(v));
  try {
    for (const c of chunks) carried.push(r.push(c));
    r.end();
    return { values, carried, error: null };
  } catch (e) {
    if (!(e instanceof BackupsApiError)) throw e;
    return { values, carried, error: `${e.kind}: ${e.message}` };
  }
}

function sameAsReference(text: string | Uint8Array, sizes: number[], contentType: string | null, maxValueChars?: number): void {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const chunks = cut(bytes, sizes);
  const opts = { contentType, ...(maxValueChars === undefined ? {} : { maxValueChars }) };
  const fast = run((on) => new ProgressStreamReader(on, opts), chunks);
  const reference = run((on) => new ReferenceStreamReader(on, opts), chunks);
  assert.deepEqual(fast, reference);
}

const flat = ['{"status":"IN-PROGRESS","percentage":12.5}', '{}', '{"a":"}"}', '{"a":"{"}', '{"a":"\\"}"}', '{"a":"\\\\"}', '{"e":"é😀\\n"}', '{"a":[1,{"b":2}],"c":{}}', '[1,2]', '[]', '[{"a":1}]', '{"a":1}\r', '{ "a" : 1 }'];

test('fast reader equals the reference on hand-picked tricky streams, cut at every size', () => {
  const streams = [
    flat.join('\n'), flat.join(''), flat.join(' ,\u001e\t'), flat.join('\r\n\r\n'),
    '{"a":1}\n{"b":\n2}\n', '{"a":1},{"b":2}\n', '{"a":1}}\n', '{"a":1} x', '{"a":}\n{"b":1}\n', '[1\n2]\n', '{"a":1}\n[1,\n2]\n{"c":3}',
    '{"a":"}"}{"b":"}"}{"c":"}"}{"d":1}', '{"a":"}{","b":1}{"c":2}', '{"a":"}\n{","b":1}\n{"c":2}\n', '{"a":"x\ny"}\n{"b":1}\n', '{"a":1\n}\n{"b":\n2}\n{"c":3}\n', '\ufeff{"a":1}\n', '{"a":1', '{"a":"x\\', '  \n ', '',
    'data: {"a":1}\n\n: ping\n\ndata: [DONE]\n\nevent: x\ndata: {"b":\ndata: 2}\n\n', 'data: {"a":1}\r\rdata: 2\r\n\r\n',
    'data\ndata: [1,\ndata\ndata:2]\n\n', 'data:{"a":1}\r\n\r\ndata:  {"b":2} \n\n', 'id: 1\nretry: x\nfoo\ndata : 1\ndata: 3\n\n', '\u00ef\u00bb\u00bfdata: 1\n\n',
    'data: {"a":1}\n\ndata: \u00a0{"b":2}\u00a0\n\ndata: "s"\n\ndata: {"c":}\n\n', 'data: {"a":1}\r', ': only a comment\n\n\n',
    'data: {"a":1}\n\ndata: {"b":\n2}\n\ndata: {"c":3}\n\n', 'data: {"a":"}\n\ndata: {","b":1}\n\ndata: {"c":3}\n\n', 'data: {"a":1}\n\ndata:{"b":2}\n\ndata: {"c":{}}\n\n',
    'data: {"a":1}\n\n\ndata: {"b":2}\n\ndata: {"c":3}\ndata: {"d":4}\n\n', 'data: {"a":"x\ny"}\n\ndata: {"b":2}\n\n',
    // Runs whose members hold a `{` (no search for it: a nested object's first `}` cuts its member short).
    '{"a":"{"}{"b":"{{"}{"c":1}', '{"a":"{"}\n{"b":{"c":1}}\n{"d":"{"}\n{"e":{}}{"f":1}\n', '{"a":{"b":1}{"c":2}}{"d":3}', '{"a":{"b":1}\n{"c":2}\n',
    'data: {"a":"{"}\n\ndata: {"b":"{x"}\n\ndata: {"c":{"d":1}}\n\ndata: {"e":1}\n\n', 'data: {"a":{"b":1}\n\ndata: {"c":2}\n\n',
  ];
  for (const s of streams) {
    for (const size of [1, 2, 3, 5, 8, 13, 1 << 20]) {
      sameAsReference(s, [size], null);
      sameAsReference(s, [size], 'text/event-stream');
    }
  }
});

test('fast reader equals the reference when a value exceeds the longest allowed', () => {
  const long = `{"a":"${'x'.repeat(300)}"}\n`;
  for (const size of [7, 64, 200, 1000]) {
    sameAsReference(long.repeat(3), [size], null, 100);
    sameAsReference(`data: ${long}\n`.repeat(3), [size], 'text/event-stream', 100);
    sameAsReference(`data: ${long.slice(0, 60)}\ndata: ${long.slice(0, 60)}\n\n`, [size], 'text/event-stream', 100);
    sameAsReference(`: ${long}\r\n\r\ndata: 1\r\n\r\n`, [size], 'text/event-stream', 100);
  }
});

test('property: fast reader equals the reference for any stream of values, noise and junk, cut anywhere', async () => {
  const fc = await import('fast-check');
  const json = fc.jsonValue().map((v) => JSON.stringify(v));
  const obj = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.double(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }))).map((o) => JSON.stringify(o));
  const pretty = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 1) ?? 'null');
  const braces = fc.stringMatching(/^[{}[\]"\\:, \n\r\tax1]{0,12}$/);
  const noise = fc.constantFrom('\n', '\r\n', ' ', '\t', ',', '\u001e', '\ufeff', '\r', 'x', '"s"', '1', '}', ']', '{', '[', 'data: ', ': c\n', '\n\n');
  const piece = fc.oneof({ weight: 4, arbitrary: obj }, { weight: 2, arbitrary: json }, { weight: 1, arbitrary: pretty }, { weight: 1, arbitrary: braces }, { weight: 3, arbitrary: noise });
  const framing = fc.constantFrom<(ps: string[]) => string>(
    (ps) => ps.join('\n'),
    (ps) => ps.join(''),
    (ps) => ps.map((p) => `data: ${p}\n\n`).join(''),
    (ps) => ps.map((p) => `data: ${p}\r\n`).join(': k\r\n\r\n'),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), framing, fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 8 }), fc.constantFrom<string | null>(null, 'text/event-stream'), (pieces, frame, sizes, contentType) => {
      sameAsReference(frame(pieces), sizes, contentType);
    }),
    { numRuns: 3000 },
  );
});

test('property: fast reader equals the reference for runs of brace-and-quote soup (where runs are parsed together)', async () => {
  const fc = await import('fast-check');
  const member = fc.stringMatching(/^[}{\n",:a1 \\[\]]{0,8}$/).map((inner) => `{"a":"${inner}}`);
  const plain = fc.constantFrom('{"a":1}', '{}', '{"b":"x"}');
  fc.assert(
    fc.property(fc.array(fc.oneof(member, plain), { minLength: 2, maxLength: 12 }), fc.constantFrom('\n', ''), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }), (vals, sep, sizes) => {
      sameAsReference(vals.join(sep) + sep, sizes, null);
    }),
    { numRuns: 3000 },
  );
});

test('property: runs read from an ASCII piece\'s bytes equal the reference, with refused runs before them, and leave the caller\'s bytes untouched', async () => {
  const fc = await import('fast-check');
  // Long runs of newline-joined flat objects in large ASCII pieces take the byte path (commas
  // written over joints in a scratch copy); soup members make runs refused part way, so later
  // runs read bytes next to ones written for a refused run.
  const member = fc.stringMatching(/^[}{",:a1 \\[\]]{0,6}$/).map((inner) => `{"a":"${inner}}`);
  const plain = fc.constantFrom('{"a":1}', '{}', '{"b":"x"}', '{"c":[1]}', '{"d":{"e":2}}');
  const sep = fc.constantFrom('\n', '\n', '\n', '\r\n', '\n\n', ' \n', '');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof({ weight: 1, arbitrary: member }, { weight: 6, arbitrary: plain }), sep), { minLength: 2, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 3 }), (vals, sizes) => {
      const bytes = new TextEncoder().encode(vals.map(([v, j]) => v + j).join(''));
      const before = Uint8Array.from(bytes);
      const chunks = cut(bytes, sizes);
      const fast = run((on) => new ProgressStreamReader(on), chunks);
      const reference = run((on) => new ReferenceStreamReader(on), chunks);
      assert.deepEqual(fast, reference);
      assert.deepEqual(bytes, before);
    }),
    { numRuns: 2000 },
  );
});

test('property: SSE runs in large ASCII pieces equal the reference, after lines cut by earlier pieces, and leave the caller\'s bytes untouched', async () => {
  const fc = await import('fast-check');
  const member = fc.stringMatching(/^[}{",:a1 \\[\]]{0,6}$/).map((inner) => `{"a":"${inner}}`);
  const plain = fc.constantFrom('{"a":1}', '{}', '{"b":"x"}', '{"c":[1]}', '{"d":{"e":2}}');
  const joint = fc.constantFrom('\n\ndata: ', '\n\ndata: ', '\n\ndata: ', '\n\ndata:', '\n\n: c\n\ndata: ', '\ndata: ');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof({ weight: 1, arbitrary: member }, { weight: 6, arbitrary: plain }), joint), { minLength: 2, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 3 }), (events, sizes) => {
      const bytes = new TextEncoder().encode(`data: ${events.map(([v, j]) => v + j).join('')}{}\n\n`);
      const before = Uint8Array.from(bytes);
      const chunks = cut(bytes, sizes);
      const opts = { contentType: 'text/event-stream' };
      const fast = run((on) => new ProgressStreamReader(on, opts), chunks);
      const reference = run((on) => new ReferenceStreamReader(on, opts), chunks);
      assert.deepEqual(fast, reference);
      assert.deepEqual(bytes, before);
    }),
    { numRuns: 2000 },
  );
});

test('property: fast reader equals the reference for runs of SSE events holding brace-and-quote soup', async () => {
  const fc = await import('fast-check');
  const member = fc.stringMatching(/^[}{\n",:a1 \\[\]]{0,8}$/).map((inner) => `{"a":"${inner}}`);
  const plain = fc.constantFrom('{"a":1}', '{}', '{"b":"x"}');
  const joint = fc.constantFrom('\n\ndata: ', '\n\ndata:', '\ndata: ', '\n\n\ndata: ', '\n\n: c\n\ndata: ');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(member, plain), joint), { minLength: 2, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }), (events, sizes) => {
      sameAsReference(`data: ${events.map(([v, j]) => v + j).join('')}{}\n\n`, sizes, 'text/event-stream');
    }),
    { numRuns: 3000 },
  );
});

test('property: fast reader equals the reference for mostly valid progress values with rare oddities', async () => {
  const fc = await import('fast-check');
  const value = fc.record({
    status: fc.constantFrom('IN-PROGRESS', 'COMPLETED', 'RE}SET', 'X{'),
    percentage: fc.option(fc.double({ noNaN: true }), { nil: null }),
    backup: fc.option(fc.record({ id: fc.string({ unit: 'binary', maxLength: 10 }), n: fc.integer() }), { nil: undefined }),
  }, { requiredKeys: ['status'] }).map((v) => JSON.stringify(v));
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '', '\r\n', ' '), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }), (vals, sep, sizes) => {
      sameAsReference(vals.join(sep) + sep, sizes, null);
    }),
    { numRuns: 1000 },
  );
});

test('property: runs built from their members (back to back, and newline-joined in pieces that are not ASCII) equal the reference, multi-byte characters cut anywhere', async () => {
  const fc = await import('fast-check');
  // Back-to-back runs, and newline-joined runs of a piece that is not ASCII (no bytes to write
  // commas over), are joined from slices of their members; soup members make runs refused part way.
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '€', '}', '{', '"', '\\', ' ', '\n'), maxLength: 6 });
  const member = fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom('a', 'é', '😀', '€', ' '), maxLength: 8 }).map((s) => JSON.stringify({ s, n: 1 })) },
    { weight: 1, arbitrary: text.map((inner) => `{"a":"${inner}}`) },
    { weight: 1, arbitrary: fc.constantFrom('{"d":{"e":"é"}}', '[1]', '{}') },
  );
  fc.assert(
    fc.property(fc.array(member, { minLength: 2, maxLength: 60 }), fc.constantFrom('', '\n'), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 3 }), fc.constantFrom<string | null>(null, 'text/event-stream'), (vals, sep, sizes, contentType) => {
      sameAsReference(contentType === null ? vals.join(sep) + sep : vals.map((v) => `data: ${v}\n\n`).join(''), sizes, contentType);
    }),
    { numRuns: 2000 },
  );
});
