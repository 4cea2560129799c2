// Progress values as PiecesOS's streamed create sends them, in each framing, for the stream
// reader benchmarks. Mostly IN-PROGRESS values with a COMPLETED value (with its backup) now and
// then, so the reader sees both small and nested values.
export const FRAMINGS = ['ndjson', 'sse', 'concat'] as const;
export type Framing = (typeof FRAMINGS)[number];

export function frame(framing: Framing, json: string): string {
  if (framing === 'ndjson') return `${json}\n`;
  if (framing === 'sse') return `data: ${json}\n\n`;
  return json;
}

/** The i-th value of the endless sequence. */
export function valueText(i: number): string {
  if (i % 1000 === 999) {
    return JSON.stringify({
      status: 'COMPLETED', percentage: 100,
      backup: {
        id: `12.0.0_${1764000000000 + i}`, version: '12.0.0', timestamp: `${1764000000000 + i}`, bytes: 123456789 + i,
        created: { value: new Date(1764000000000 + i * 1000).toISOString(), readable: 'a moment ago' },
        device_name: 'bench-box', platform: 'LINUX', schema: { migration: 0, semantic: 'MAJOR_0_MINOR_0_PATCH_1' },
      },
    });
  }
  return JSON.stringify({ status: 'IN-PROGRESS', percentage: Math.round(((i * 7919) % 100000) / 10) / 100 });
}

export interface InMemoryStream {
  /** The values' JSON texts, already split (for the JSON.parse ceiling). */
  values: string[];
  /** The framed body, cut into chunks at arbitrary byte offsets (inside values too). */
  chunks: Uint8Array[];
  bytes: number;
}

/** About `targetBytes` of framed body, held in memory (for throughput runs). */
export function buildStream(framing: Framing, targetBytes: number, chunkBytes = 64 * 1024): InMemoryStream {
  const values: string[] = [];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const v = valueText(i);
    values.push(v);
    const f = frame(framing, v);
    parts.push(f);
    size += f.length; // ASCII: characters are bytes
  }
  const body = Buffer.from(parts.join(''), 'utf8');
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < body.length; off += chunkBytes) chunks.push(new Uint8Array(body.subarray(off, off + chunkBytes)));
  return { values, chunks, bytes: body.length };
}

/** An endless generator of framed chunks of exactly `chunkBytes`, never holding more than one chunk. */
export function* lazyChunks(framing: Framing, totalBytes: number, chunkBytes = 64 * 1024): Generator<Uint8Array> {
  // A cycle of pre-framed values keeps generating cheap next to reading.
  const cycle: string[] = [];
  for (let k = 0; k < 4000; k++) cycle.push(frame(framing, valueText(k)));
  let carry = Buffer.alloc(0);
  let i = 0;
  let sent = 0;
  while (sent < totalBytes) {
    const parts: string[] = [];
    let len = carry.length;
    while (len < chunkBytes) {
      const f = cycle[i++ % cycle.length]!;
      parts.push(f);
      len += f.length;
    }
    const buf = Buffer.concat([carry, Buffer.from(parts.join(''), 'utf8')]);
    const chunk = buf.subarray(0, chunkBytes);
    // Copy the rest so the big buffer can be freed.
    carry = Buffer.from(buf.subarray(chunkBytes));
    sent += chunk.length;
    yield chunk;
  }
  // Finish the value the last chunk cut, so the stream ends cleanly.
  if (carry.length > 0) yield carry;
}
