// The real work of a backup: tar the source folder, gzip it, write it to the "cloud" folder.
// Progress is measured on the tar stream (source bytes plus 512-byte headers) as it passes a
// meter that also enforces the speed limit; backpressure makes tar read the source only as fast.
import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, rename, rm, stat, lstat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar';

export interface ArchiveJob {
  source: string;
  /** Final archive path; written to `<dest>.partial` first and renamed when complete. */
  dest: string;
  bytesPerSecond?: number;
  signal: AbortSignal;
  /** Called with whole percentages as work proceeds (0 first, 100 once written, before it counts); may await (to stall) or throw (to fail). */
  onProgress: (percent: number) => Promise<void> | void;
}

const BLOCK = 512;

/** The size tar will produce for `dir`: a header per entry, content rounded up to blocks, two end blocks. */
export async function expectedTarBytes(dir: string): Promise<number> {
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(path.join(dir, rel))) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(path.join(dir, relPath));
      // Long names take an extra header plus a block of PAX data.
      total += BLOCK + (relPath.length > 99 ? 2 * BLOCK : 0);
      if (st.isDirectory()) await walk(relPath);
      else if (st.isFile()) total += Math.ceil(st.size / BLOCK) * BLOCK;
    }
  };
  await walk('');
  return total + 2 * BLOCK;
}

/** Passes bytes through in slices, pacing them to the speed limit and reporting the running count. */
class Meter extends Transform {
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

/** Archives `job.source` into `job.dest` (tar.gz). Resolves with the archive's size in bytes. On any failure or abort the partial file is removed. */
export async function archiveFolder(job: ArchiveJob): Promise<number> {
  const total = Math.max(1, await expectedTarBytes(job.source));
  const entries = await readdir(job.source);
  const partial = `${job.dest}.partial`;
  // Slices small enough that a slow limit still moves the percentage several times a second.
  const slice = job.bytesPerSecond === undefined ? 64 * 1024 : Math.max(1024, Math.min(64 * 1024, Math.floor(job.bytesPerSecond / 20)));
  let last = 0;
  const meter = new Meter(slice, job.bytesPerSecond, job.signal, async (done) => {
    const pct = Math.min(99, Math.floor((done / total) * 100));
    if (pct > last) {
      last = pct;
      await job.onProgress(pct);
    }
  });
  let out: WriteStream | undefined;
  try {
    job.signal.throwIfAborted();
    await job.onProgress(0);
    const pack = tar.c({ cwd: job.source, portable: true }, entries.length > 0 ? entries : ['.']);
    out = createWriteStream(partial);
    await pipeline(pack as unknown as NodeJS.ReadableStream, meter, createGzip(), out, { signal: job.signal });
    // The archive is written but not yet in the cloud: a fault at 100 % still leaves nothing behind.
    await job.onProgress(100);
    await rename(partial, job.dest);
  } catch (e) {
    meter.destroy();
    // Let the file stream finish closing (it may still be opening) so the removal really is last.
    const stream = out;
    if (stream !== undefined && !stream.closed) await new Promise<void>((r) => { stream.once('close', () => r()); stream.destroy(); });
    await rm(partial, { force: true });
    throw e;
  }
  return (await stat(job.dest)).size;
}
