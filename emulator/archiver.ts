// The real work of a backup: tar the source folder, gzip it, write it to the "cloud" folder.
// Progress is measured on the tar stream (source bytes plus 512-byte headers) as it passes a
// meter that also enforces the speed limit; backpressure makes tar read the source only as fast.
import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, rename, rm, stat, lstat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar';
import { Meter, sliceFor } from './meter.js';

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

/** Archives `job.source` into `job.dest` (tar.gz). Resolves with the archive's size in bytes. On any failure or abort the partial file is removed. */
export async function archiveFolder(job: ArchiveJob): Promise<number> {
  const total = Math.max(1, await expectedTarBytes(job.source));
  const entries = await readdir(job.source);
  const partial = `${job.dest}.partial`;
  const slice = sliceFor(job.bytesPerSecond);
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
