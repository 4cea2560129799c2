// Cutting a byte stream into the pieces a network might deliver it in, for the tests that feed
// decoders and stream readers "cut anywhere" (sizes usually drawn by fast-check).

/** `bytes` in consecutive pieces whose sizes cycle through `sizes` (each ≥ 1; the last piece may be
 * shorter). The pieces are views of `bytes`, not copies. */
export function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 0, k = 0; pos < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}
