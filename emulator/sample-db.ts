// Creates the sample "database" the emulator backs up when no --source is given: about 2 MB of
// generated but realistic content (a SQLite-looking file, JSON snippets, binary thumbnails), so
// the archive is real work with a real, partly compressible size. Deterministic: same bytes every time.
import { mkdir, writeFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Small deterministic PRNG (mulberry32) so the sample is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LANGUAGES = ['ts', 'py', 'go', 'rs', 'sql', 'sh', 'kt', 'swift'] as const;
const WORDS = ['fetch', 'user', 'cache', 'retry', 'parse', 'config', 'stream', 'token', 'index', 'render', 'queue', 'backup', 'schema', 'merge', 'async', 'buffer'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function codeLines(rand: () => number, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = pick(rand, WORDS), b = pick(rand, WORDS), c = pick(rand, WORDS);
    lines.push(`${'  '.repeat(Math.floor(rand() * 3))}const ${a}${b[0]?.toUpperCase()}${b.slice(1)} = await ${c}(${a}, ${Math.floor(rand() * 1000)});`);
  }
  return lines.join('\n');
}

function snippet(rand: () => number, i: number): string {
  const language = pick(rand, LANGUAGES);
  return JSON.stringify(
    {
      id: `snip-${String(i).padStart(4, '0')}-${Math.floor(rand() * 1e9).toString(16)}`,
      title: `${pick(rand, WORDS)} ${pick(rand, WORDS)} helper`,
      language,
      tags: [pick(rand, WORDS), pick(rand, WORDS)],
      created: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      raw: codeLines(rand, 40 + Math.floor(rand() * 160)),
    },
    null,
    2,
  );
}

/** A file that looks like SQLite: the real header magic, then 4 KiB pages of rows and noise. */
function fakeSqlite(rand: () => number, pages: number): Buffer {
  const page = 4096;
  const buf = Buffer.alloc(page * pages);
  buf.write('SQLite format 3\0', 0, 'latin1');
  buf.writeUInt16BE(page, 16);
  for (let p = 1; p < pages; p++) {
    const start = p * page;
    if (p % 3 === 0) {
      for (let i = 0; i < page; i++) buf[start + i] = Math.floor(rand() * 256);
    } else {
      buf.write(codeLines(rand, 60).slice(0, page), start, 'utf8');
    }
  }
  return buf;
}

function noise(rand: () => number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = Math.floor(rand() * 256);
  return buf;
}

/** Where the sample database lives in a data folder. */
export function sampleDatabasePath(dataDir: string): string {
  return path.join(dataDir, 'sample-db');
}

/** Ensures `<dataDir>/sample-db` exists and returns its path. Built in a temp folder, then renamed, so a crash never leaves half a sample. */
export async function ensureSampleDatabase(dataDir: string): Promise<string> {
  const dir = sampleDatabasePath(dataDir);
  const exists = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (exists) return dir;
  const tmp = path.join(dataDir, `.sample-db-${process.pid}-${Date.now()}`);
  const rand = prng(20261127);
  await mkdir(path.join(tmp, 'snippets'), { recursive: true });
  await mkdir(path.join(tmp, 'assets', 'thumbnails'), { recursive: true });
  await writeFile(path.join(tmp, 'pieces.db'), fakeSqlite(rand, 300));
  await writeFile(path.join(tmp, 'pieces.db-wal'), noise(rand, 64 * 1024));
  for (let i = 1; i <= 60; i++) await writeFile(path.join(tmp, 'snippets', `snippet-${String(i).padStart(4, '0')}.json`), snippet(rand, i));
  for (let i = 1; i <= 8; i++) await writeFile(path.join(tmp, 'assets', 'thumbnails', `thumb-${i}.png`), noise(rand, 32 * 1024));
  await writeFile(path.join(tmp, 'user.json'), JSON.stringify({ user: 'sample', theme: 'dark', cloud: { connected: true } }, null, 2));
  try {
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    // Another emulator on the same data dir won the race: its sample is as good as ours.
    if (await stat(dir).then((s) => s.isDirectory(), () => false)) return dir;
    throw e;
  }
  return dir;
}
