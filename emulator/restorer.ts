// The real work of a restore: unpack a backup's tar.gz into a fresh folder beside the local
// database, check it against the archive, then swap it in with renames. The original stays whole
// until the swap has succeeded, so a failure, a cancel or a killed emulator never leaves it half
// replaced; at start-up, recoverInterruptedRestore() tidies whatever an interrupted restore left.
//
// On disk, beside the database folder `<dir>/<name>`:
//   `<dir>/.<name>.restore-incoming`  the backup being unpacked (incomplete until the swap)
//   `<dir>/.<name>.restore-previous`  the original, only during the swap (two renames)
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';
import { Meter, sliceFor } from './meter.js';

export interface RestoreJob {
  /** The backup's tar.gz. */
  archive: string;
  /** The local database folder the backup replaces. */
  target: string;
  bytesPerSecond?: number;
  signal: AbortSignal;
  /** Called with whole percentages as the archive is unpacked (0 first; 100 once unpacked and
   * checked, before the swap); may await (to stall) or throw (to fail). */
  onProgress: (percent: number) => Promise<void> | void;
}

type EntryKind = 'file' | 'dir' | 'link' | 'other';
interface Entry {
  kind: EntryKind;
  size: number;
}

export function stagingPaths(target: string): { incoming: string; previous: string } {
  const dir = path.dirname(target);
  const name = path.basename(target);
  return { incoming: path.join(dir, `.${name}.restore-incoming`), previous: path.join(dir, `.${name}.restore-previous`) };
}

const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

/** Removes a staging folder; retries, since an aborted unpack may still be closing files in it. */
const removeTree = (p: string): Promise<void> => rm(p, { recursive: true, force: true, maxRetries: 3 });

/**
 * Puts the local database back in order after an emulator was killed mid-restore. Each rename of
 * the swap is atomic, so the folders present say how far it got: no database but a previous one
 * means it stopped between the two renames (the original goes back); both present means the swap
 * succeeded and only the original's removal was cut short. An incoming folder is never complete
 * data: it is removed.
 */
export async function recoverInterruptedRestore(target: string, log: (line: string) => void): Promise<void> {
  const { incoming, previous } = stagingPaths(target);
  if (await exists(previous)) {
    if (await exists(target)) {
      await removeTree(previous);
    } else {
      await rename(previous, target);
      log(`A restore was interrupted while swapping in the backup; the original data was put back in ${target}.`);
    }
  }
  if (await exists(incoming)) {
    await removeTree(incoming);
    log(`A restore was interrupted; its unfinished copy was removed and ${target} was left as it was.`);
  }
}

/** The uncompressed size gzip records in its last 4 bytes (modulo 4 GiB): the total for progress. */
async function uncompressedSize(archive: string): Promise<number> {
  const fh = await open(archive, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 18) return 1;
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, size - 4);
    return Math.max(1, buf.readUInt32LE(0));
  } finally {
    await fh.close();
  }
}

function kindOfEntry(type: string): EntryKind {
  if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') return 'file';
  if (type === 'Directory') return 'dir';
  if (type === 'SymbolicLink' || type === 'Link') return 'link';
  return 'other';
}

/** `a/b/` and `./a/b` as `a/b`; '' for the archive's root. */
function normal(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Every path under `dir` (relative, '/'-separated) with its kind and size. */
async function treeOf(dir: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(path.join(dir, rel))) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(path.join(dir, relPath));
      const kind: EntryKind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other';
      out.set(relPath, { kind, size: st.isFile() ? st.size : 0 });
      if (st.isDirectory()) await walk(relPath);
    }
  };
  await walk('');
  return out;
}

/**
 * The unpacked tree must hold exactly what the archive listed: each file with its size, each
 * folder and link, nothing missing, nothing extra (parent folders tar creates implicitly aside).
 */
async function checkUnpacked(dir: string, listed: Map<string, Entry>): Promise<void> {
  const tree = await treeOf(dir);
  for (const [p, want] of listed) {
    if (p === '') continue;
    const got = tree.get(p);
    if (got === undefined) throw new Error(`the unpacked backup lacks ${p}`);
    if (got.kind !== want.kind && !(want.kind === 'link' && got.kind === 'file')) throw new Error(`${p} was unpacked as a ${got.kind}, the archive holds a ${want.kind}`);
    if (want.kind === 'file' && got.size !== want.size) throw new Error(`${p} was unpacked with ${got.size} bytes, the archive holds ${want.size}`);
  }
  for (const [p, got] of tree) {
    const implicitParent = got.kind === 'dir' && [...listed.keys()].some((l) => l.startsWith(`${p}/`));
    if (!listed.has(p) && !implicitParent) throw new Error(`the unpacked backup holds ${p}, which the archive does not`);
  }
}

/** Unpacks `job.archive` into `dir`, paced and metered on the uncompressed bytes; returns what the archive listed. */
async function unpack(job: RestoreJob, dir: string): Promise<Map<string, Entry>> {
  const total = await uncompressedSize(job.archive);
  const listed = new Map<string, Entry>();
  let last = 0;
  const meter = new Meter(sliceFor(job.bytesPerSecond), job.bytesPerSecond, job.signal, async (done) => {
    const pct = Math.min(99, Math.floor((done / total) * 100));
    if (pct > last) {
      last = pct;
      await job.onProgress(pct);
    }
  });
  // strict: an entry tar would otherwise skip with a warning fails the restore instead. Absolute
  // paths and `..` are refused by tar's defaults (preservePaths off).
  const extract = tar.x({
    cwd: dir,
    strict: true,
    onReadEntry: (entry) => {
      listed.set(normal(entry.path), { kind: kindOfEntry(entry.type), size: entry.size ?? 0 });
    },
  });
  try {
    await pipeline(createReadStream(job.archive), createGunzip(), meter, extract as unknown as NodeJS.WritableStream, { signal: job.signal });
  } finally {
    meter.destroy();
  }
  return listed;
}

/** Renames the checked copy into place; the original goes back if the second rename fails. */
async function swapIn(target: string, incoming: string, previous: string): Promise<void> {
  await removeTree(previous);
  const hadTarget = await exists(target);
  if (hadTarget) await rename(target, previous);
  try {
    await rename(incoming, target);
  } catch (e) {
    if (hadTarget) await rename(previous, target);
    throw e;
  }
  if (hadTarget) await removeTree(previous);
}

/** Restores `job.archive` over `job.target`. On any failure or abort before the swap, the target is untouched and the copy removed. */
export async function restoreArchive(job: RestoreJob): Promise<void> {
  const { incoming, previous } = stagingPaths(job.target);
  try {
    job.signal.throwIfAborted();
    await removeTree(incoming);
    await mkdir(incoming, { recursive: true });
    await job.onProgress(0);
    const listed = await unpack(job, incoming);
    await checkUnpacked(incoming, listed);
    // Unpacked and checked, not yet in place: a fault or a cancel at 100 % still changes nothing.
    await job.onProgress(100);
    job.signal.throwIfAborted();
  } catch (e) {
    await removeTree(incoming);
    throw e;
  }
  // From here on the swap runs to its end (two renames): a cancel arriving now is too late.
  try {
    await swapIn(job.target, incoming, previous);
  } catch (e) {
    await removeTree(incoming);
    throw e;
  }
}
