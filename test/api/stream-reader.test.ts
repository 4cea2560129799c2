import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressStreamReader, readJsonValues } from '../../main/api/stream-reader.js';
import { BackupsApiError } from '../../main/api/errors.js';

const enc = new TextEncoder();

/** Feeds `bytes` to a reader in chunks of `size` bytes and returns every value it emitted. */
function readAll(text: string, size: number, contentType?: string): unknown[] {
  const out: unknown[] = [];
  const r = new ProgressStreamReader((v) => out.push(v), { contentType: contentType ?? null });
  const bytes = enc.encode(text);
  for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size));
  r.end();
  return out;
}

/** Every chunk size that matters: one byte, small primes, and the whole thing at once. */
function everySplit(text: string, contentType?: string): unknown[] {
  const whole = readAll(text, 1 << 30, contentType);
  for (const size of [1, 2, 3, 7, 13]) assert.deepEqual(readAll(text, size, contentType), whole, `chunk size ${size}`);
  return whole;
}

const values = [
  { status: 'INITIALIZED', percentage: null },
  { status: 'IN-PROGRESS', percentage: 40.5 },
  { status: 'RESET', percentage: 0 },
  { status: 'COMPLETED', percentage: 100, backup: { id: 'x', note: 'ünï 😀 "{[}]" \\ \n' } },
];

function expectKind(fn: () => unknown, kind: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BackupsApiError, `expected BackupsApiError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('NDJSON, one byte per chunk or any other split', () => {
  assert.deepEqual(everySplit(values.map((v) => JSON.stringify(v)).join('\n') + '\n'), values);
});

test('NDJSON with CRLF line ends and blank lines', () => {
  assert.deepEqual(everySplit('\r\n' + values.map((v) => JSON.stringify(v)).join('\r\n\r\n') + '\r\n'), values);
});

test('JSON values back to back without any whitespace', () => {
  assert.deepEqual(everySplit(values.map((v) => JSON.stringify(v)).join('')), values);
});

test('JSON values back to back with assorted whitespace, commas and record separators', () => {
  assert.deepEqual(everySplit(values.map((v) => JSON.stringify(v)).join(' \t\u001e,  ')), values);
});

test('pretty-printed multi-line values', () => {
  assert.deepEqual(everySplit(values.map((v) => JSON.stringify(v, null, 2)).join('\n')), values);
});

test('a single value (a server that does not stream), also an array', () => {
  assert.deepEqual(everySplit(JSON.stringify(values[3])), [values[3]]);
  assert.deepEqual(everySplit(JSON.stringify(values)), [values]);
});

test('strings with braces, quotes, escaped backslashes and emoji survive any split', () => {
  const tricky = { a: '}{][', b: 'say \\"hi\\"', c: '\\', d: '😀🎉 ü', e: '\\\\"' };
  assert.deepEqual(everySplit(JSON.stringify(tricky) + JSON.stringify(tricky)), [tricky, tricky]);
});

test('SSE: data lines, CRLF, comments, event and id lines, multi-line data', () => {
  const sse = [
    ': keep-alive comment',
    'retry: 1000',
    'event: progress',
    'id: 1',
    `data: ${JSON.stringify(values[0])}`,
    '',
    'event: progress',
    `data:${JSON.stringify(values[1])}`,
    '',
    ':another comment',
    '',
    'data: {"status":"RESET",',
    'data: "percentage":0}',
    '',
    `data: ${JSON.stringify(values[3])}`,
    '',
    'data: [DONE]',
    '',
  ].join('\r\n');
  assert.deepEqual(everySplit(sse), values);
});

test('SSE: the last event counts even without its blank line', () => {
  assert.deepEqual(everySplit(`data: ${JSON.stringify(values[1])}\n\ndata: ${JSON.stringify(values[3])}`), [values[1], values[3]]);
});

test('SSE content type with leading whitespace still reads as SSE', () => {
  assert.deepEqual(everySplit(`\n\nfoo: bar\ndata: ${JSON.stringify(values[1])}\n\n`, 'text/event-stream; charset=utf-8'), [values[1]]);
});

test('a multi-byte character split across chunks is decoded once, correctly', () => {
  const v = { s: '€😀' };
  const bytes = enc.encode(JSON.stringify(v));
  const out: unknown[] = [];
  const r = new ProgressStreamReader((x) => out.push(x));
  // Split inside the 4-byte emoji at every offset.
  const emojiAt = bytes.indexOf(0xf0);
  r.push(bytes.subarray(0, emojiAt + 1));
  r.push(bytes.subarray(emojiAt + 1, emojiAt + 3));
  r.push(bytes.subarray(emojiAt + 3));
  r.end();
  assert.deepEqual(out, [v]);
});

test('each value is emitted as soon as it is complete, before the stream ends', () => {
  const out: unknown[] = [];
  const r = new ProgressStreamReader((v) => out.push(v));
  r.push(enc.encode('{"percentage":1}{"perc'));
  assert.deepEqual(out, [{ percentage: 1 }]);
  r.push(enc.encode('entage":2}\n'));
  assert.deepEqual(out, [{ percentage: 1 }, { percentage: 2 }]);
});

test('malformed JSON is a bad-response with an excerpt', () => {
  expectKind(() => readAll('{"status": COMPLETED}\n', 1), 'bad-response', /COMPLETED/);
  expectKind(() => readAll('data: {nope}\n\n', 4), 'bad-response', /nope/);
});

test('something that is neither JSON nor SSE is a bad-response', () => {
  expectKind(() => readAll('<html>oops</html>', 3), 'bad-response', /<ht/);
  expectKind(() => readAll('ok', 1), 'bad-response');
  expectKind(() => readAll('{"a":1} garbage', 5), 'bad-response', /unexpected text/);
});

test('a value cut off by the end of the stream is connection-lost', () => {
  expectKind(() => readAll('{"status":"IN-PROGRESS","percentage":4', 3), 'connection-lost');
});

test('an endless value is refused instead of filling memory', () => {
  const r = new ProgressStreamReader(() => {}, { maxValueChars: 1000 });
  assert.throws(() => {
    for (let i = 0; i < 100; i++) r.push(enc.encode('{"a":"' + 'x'.repeat(50)));
  }, (e: unknown) => e instanceof BackupsApiError && e.kind === 'bad-response');
});

test('empty and whitespace-only bodies yield nothing', () => {
  assert.deepEqual(readAll('', 1), []);
  assert.deepEqual(readAll(' \n\r\n ', 1), []);
});

test('a 50 MB stream is read with a small, constant buffer', async () => {
  const line = enc.encode(JSON.stringify({ status: 'IN-PROGRESS', percentage: 50.25, pad: 'y'.repeat(200) }) + '\n');
  const perChunk = 64;
  const chunk = new Uint8Array(line.length * perChunk);
  for (let i = 0; i < perChunk; i++) chunk.set(line, i * line.length);
  const total = 50 * 1024 * 1024;
  const rounds = Math.ceil(total / chunk.length);
  let count = 0;
  let maxBuffered = 0;
  const r = new ProgressStreamReader(() => count++);
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < rounds; i++) {
    // Cut each chunk at an odd place so values straddle chunk boundaries.
    r.push(chunk.subarray(0, 1001));
    maxBuffered = Math.max(maxBuffered, r.bufferedLength);
    r.push(chunk.subarray(1001));
    maxBuffered = Math.max(maxBuffered, r.bufferedLength);
  }
  r.end();
  assert.equal(count, rounds * perChunk);
  assert.ok(maxBuffered <= line.length, `held back ${maxBuffered} chars, more than one value`);
  // Generous bound: the heap must not grow with the 50 MB that went through.
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 30 * 1024 * 1024, `heap grew by ${grown} bytes`);
});

test('readJsonValues yields values from an async body', async () => {
  async function* body() {
    const bytes = enc.encode(values.map((v) => JSON.stringify(v)).join('\n'));
    for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
  }
  const got: unknown[] = [];
  for await (const v of readJsonValues(body())) got.push(v);
  assert.deepEqual(got, values);
});

test('property: any values, any framing, any chunk boundaries give back the same values', async () => {
  const fc = await import('fast-check');
  const value = fc.record({
    status: fc.constantFrom('INITIALIZED', 'IN-PROGRESS', 'COMPLETED', 'RESET', 'WEIRD'),
    percentage: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
    note: fc.string({ unit: 'binary' }),
  });
  const framing = fc.constantFrom<(vs: unknown[]) => string>(
    (vs) => vs.map((v) => JSON.stringify(v)).join('\n'),
    (vs) => vs.map((v) => JSON.stringify(v)).join(''),
    (vs) => vs.map((v) => JSON.stringify(v, null, 1)).join(' \r\n'),
    (vs) => vs.map((v) => `data: ${JSON.stringify(v)}\r\n\r\n`).join(''),
  );
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 8 }), framing, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (vals, frame, sizes) => {
      const bytes = enc.encode(frame(vals));
      const out: unknown[] = [];
      const r = new ProgressStreamReader((v) => out.push(v));
      let pos = 0;
      for (let k = 0; pos < bytes.length; k++) {
        const size = sizes[k % sizes.length] ?? 1;
        r.push(bytes.subarray(pos, pos + size));
        pos += size;
      }
      r.end();
      assert.deepEqual(out, JSON.parse(JSON.stringify(vals)));
    }),
    { numRuns: 300 },
  );
});

/** What push() said for each piece, fed in order. */
function carriedFor(pieces: string[], contentType?: string): boolean[] {
  const r = new ProgressStreamReader(() => {}, { contentType: contentType ?? null });
  return pieces.map((p) => r.push(enc.encode(p)));
}

test('push says whether a piece carried part of a value: JSON separators and whitespace do not', () => {
  // Regression (issue 8): every byte counted as life, so trickled whitespace kept a stream alive.
  assert.deepEqual(carriedFor(['\n', ' \r\n', '{"status"', ':  ', '  ', '"IN-PROGRESS"', '}', '\n', ',', '\u001e', '\t', '{', '\n\n', '}']),
    [false, false, true, true, false, true, true, false, false, false, false, true, false, true]);
  // Inside a string, whitespace is content.
  assert.deepEqual(carriedFor(['{"a":"', '   ', '"}']), [true, true, true]);
});

test('push says whether a piece carried part of a value: SSE comments, non-data fields and empty data do not', () => {
  const sse = 'text/event-stream';
  assert.deepEqual(carriedFor([': keep-alive\n\n', 'event: ping\n', 'id: 4\nretry: 10\n\n', 'data:   \n\n', 'data\n\n', ':\n'], sse), [false, false, false, false, false, false]);
  assert.deepEqual(carriedFor(['da', 'ta: {"perc', 'entage":1}\n', '\n', ': x\n\n'], sse), [false, true, true, true, false]);
  // A field whose name only starts like "data" is not data.
  assert.deepEqual(carriedFor(['dataset: 1\n\n', 'data: 1\n\n'], sse), [false, true]);
  // Comment text that looks like data is still a comment, however it is split.
  assert.deepEqual(carriedFor([': data: {"a":1}\n', ':', ' data: 2\r\n\r\n'], sse), [false, false, false]);
});

test('property: keep-alive noise between values never counts, the piece ending a value always does', async () => {
  const fc = await import('fast-check');
  const noise = fc.constantFrom('\n', ' ', '\r\n', '\t');
  const sseNoise = fc.constantFrom(': keep-alive\n\n', '\n', 'event: ping\n\n', 'id: 1\n', ':\r\n');
  const value = fc.record({ status: fc.constantFrom('IN-PROGRESS', 'RESET'), percentage: fc.integer({ min: 0, max: 100 }), note: fc.string() });
  fc.assert(
    fc.property(fc.boolean(), fc.array(fc.tuple(value, fc.array(noise, { maxLength: 3 }), fc.array(sseNoise, { maxLength: 3 }), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 6 }), (asSse, items) => {
      let emitted = 0;
      const r = new ProgressStreamReader(() => emitted++, { contentType: asSse ? 'text/event-stream' : null });
      for (const [v, jsonNoise, eventNoise, size] of items) {
        for (const n of asSse ? eventNoise : jsonNoise) assert.equal(r.push(enc.encode(n)), false, JSON.stringify(n));
        const text = asSse ? `data: ${JSON.stringify(v)}\n\n` : JSON.stringify(v) + '\n';
        const bytes = enc.encode(text);
        for (let pos = 0; pos < bytes.length; pos += size) {
          const before = emitted;
          const carried = r.push(bytes.subarray(pos, pos + size));
          if (emitted > before) assert.equal(carried, true, 'the piece that completed a value');
        }
      }
      r.end();
      assert.equal(emitted, items.length);
    }),
    { numRuns: 300 },
  );
});
