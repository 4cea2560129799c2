// The pace of the emulator's real work (archiving and restoring): bytes pass through in slices,
// held back to the speed limit, and each slice reports the running count so progress is measured
// on the work itself. Backpressure makes the producer read only as fast.
import { Transform, type TransformCallback } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** Slices small enough that a slow limit still moves the percentage several times a second. */
export function sliceFor(bytesPerSecond: number | undefined): number {
  return bytesPerSecond === undefined ? 64 * 1024 : Math.max(1024, Math.min(64 * 1024, Math.floor(bytesPerSecond / 20)));
}

/** Passes bytes through in slices, pacing them to the speed limit and reporting the running count. */
export class Meter extends Transform {
  private done = 0;
  private readonly started = Date.now();
  constructor(
    private readonly slice: number,
    private readonly bytesPerSecond: number | undefined,
    private readonly signal: AbortSignal,
    private readonly onBytes: (done: number) => Promise<void> | void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.meter(chunk).then(() => cb(), (e: unknown) => cb(e as Error));
  }
  private async meter(chunk: Buffer): Promise<void> {
    for (let off = 0; off < chunk.length; off += this.slice) {
      const part = chunk.subarray(off, off + this.slice);
      if (this.bytesPerSecond !== undefined) {
        const due = this.started + ((this.done + part.length) / this.bytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait, undefined, { signal: this.signal });
      }
      this.push(part);
      this.done += part.length;
      await this.onBytes(this.done);
    }
  }
}

