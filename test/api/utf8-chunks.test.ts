import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Utf8Chunks } from '../../main/api/utf8-chunks.js';
import { cut } from '../helpers/chunks.js';

/** What TextDecoder makes of the same chunks in streaming mode: the behaviour Utf8Chunks must equal. */
function textDecoderOf(chunks: Uint8Array[]): string {
  const d = new TextDecoder('utf-8');
  return chunks.map((c) => d.decode(c, { stream: true })).join('') + d.decode();
}

function utf8ChunksOf(chunks: Uint8Array[]): string {
  const d = new Utf8Chunks();
  return chunks.map((c) => d.decode(c)).join('') + d.end();
}

test('utf8 chunks: multi-byte characters cut anywhere decode as one, a leading BOM is dropped', () => {
  const bytes = new TextEncoder().encode('\ufeffaé€😀\ufeffz');
  for (const size of [1, 2, 3, 5]) assert.equal(utf8ChunksOf(cut(bytes, [size])), 'aé€😀\ufeffz', `chunk size ${size}`);
});

test('utf8 chunks: a character cut by the end of the stream is one U+FFFD, as TextDecoder gives', () => {
  const bytes = Uint8Array.from([0x61, 0xf0, 0x9f, 0x98]);
  assert.equal(utf8ChunksOf(cut(bytes, [1])), textDecoderOf(cut(bytes, [1])));
  assert.equal(utf8ChunksOf([bytes]), 'a\ufffd');
});

test('property: utf8 chunks equal TextDecoder streaming for any bytes (valid or not) cut anywhere', async () => {
  const fc = await import('fast-check');
  // Bytes biased towards UTF-8 structure: ASCII, lead bytes, continuation bytes, and invalid ones.
  const byte = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0xc0, max: 0xff }), fc.constantFrom(0xe0, 0xed, 0xf0, 0xf4, 0xef, 0xbb, 0xbf));
  const text = fc.string({ unit: 'binary' }).map((s) => Array.from(new TextEncoder().encode(s)));
  const bytes = fc.array(fc.oneof(fc.array(byte, { maxLength: 6 }), text), { maxLength: 12 }).map((parts) => Uint8Array.from(parts.flat()));
  fc.assert(
    fc.property(bytes, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }), (b, sizes) => {
      const chunks = cut(b, sizes);
      assert.equal(utf8ChunksOf(chunks), textDecoderOf(chunks));
    }),
    { numRuns: 3000 },
  );
});

test('utf8 chunks: lastAscii is the bytes of a piece that was all ASCII (byte i is character i), else null', () => {
  const d = new Utf8Chunks();
  const ascii = new TextEncoder().encode('{"a":1}\n');
  assert.equal(d.decode(ascii), '{"a":1}\n');
  assert.deepEqual(d.lastAscii && Uint8Array.from(d.lastAscii), ascii);
  assert.equal(d.decode(new TextEncoder().encode('é')), 'é');
  assert.equal(d.lastAscii, null);
  // A character cut by a piece's end: the next piece, ASCII or not, starts with its held bytes.
  assert.equal(d.decode(Uint8Array.from([0x61, 0xc3])), 'a');
  assert.equal(d.lastAscii, null);
  assert.equal(d.decode(Uint8Array.from([0xa9, 0x62])), 'éb');
  assert.equal(d.lastAscii, null);
  assert.equal(d.decode(Uint8Array.from([0x63])), 'c');
  assert.notEqual(d.lastAscii, null);
});
