// Decodes a byte stream chunk by chunk into text, exactly as `new TextDecoder('utf-8')` with
// `{ stream: true }` does (invalid bytes become U+FFFD, a leading byte order mark is dropped),
// but through Buffer's native UTF-8 decoding, which is several times faster than TextDecoder's
// streaming mode on Node 20 (the stream reader's profile: 8 of its 115 ms per 10 MB went to
// decoding). Only the bytes of a character cut by the chunk's end are held back, at most 3.

import { isAscii } from 'node:buffer';

const BOM = 0xfeff;

/** How many bytes a sequence starting with lead byte `b` should have; 1 for anything else. */
function sequenceLength(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 1;
}

/**
 * Where the last complete character ends: the bytes after it (at most 3) start a multi-byte
 * character the next chunk may finish. Held-back bytes that turn out invalid decode to the same
 * U+FFFD with the next chunk as they would now (UTF-8 decoding does not depend on where the
 * stream is cut), which the property test against TextDecoder checks.
 */
function completeEnd(buf: Buffer): number {
  const n = buf.length;
  // Look back over at most 3 continuation bytes (10xxxxxx) for the lead byte they follow.
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    return sequenceLength(b) <= k ? n : n - k;
  }
  return n;
}

export class Utf8Chunks {
  /** Bytes of a character cut by the previous chunk's end (at most 3). */
  private held: Buffer | null = null;
  private atStart = true;
  /**
   * The bytes the last decode() read, when they were all ASCII (then byte i is character i of
   * the text it returned); null otherwise. Lets the stream reader build a run's array text
   * straight from bytes (see ProgressStreamReader.batch). The caller's memory: read, never write.
   */
  lastAscii: Buffer | null = null;

  /** The text of `chunk`, less the bytes of a character it cuts (they lead the next chunk). */
  decode(chunk: Uint8Array): string {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.lastAscii = null;
    if (this.held === null && isAscii(buf)) {
      // ASCII (most progress streams): no character can be cut, no byte order mark can lead, and
      // Latin-1 decoding gives the same text faster.
      this.lastAscii = buf;
      if (buf.length > 0) this.atStart = false;
      return buf.toString('latin1');
    }
    if (this.held !== null) {
      buf = Buffer.concat([this.held, buf]);
      this.held = null;
    }
    const end = completeEnd(buf);
    if (end < buf.length) this.held = Buffer.from(buf.subarray(end));
    return this.started(buf.toString('utf8', 0, end));
  }

  /** The stream ended: whatever was held back, as U+FFFD. */
  end(): string {
    const rest = this.held === null ? '' : this.held.toString('utf8');
    this.held = null;
    return this.started(rest);
  }

  /** Drops a byte order mark at the very start of the stream, as TextDecoder does. */
  private started(text: string): string {
    if (!this.atStart || text.length === 0) return text;
    this.atStart = false;
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }
}
