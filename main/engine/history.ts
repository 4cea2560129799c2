// The run history shared by the tray app, the daemon and the CLI: the last 200 runs as JSON lines
// in the config folder. Writes are read-modify-write under a lock file so two processes never
// lose each other's records; a line that is not a valid record is skipped, never fatal.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { HistoryEntry } from './types.js';
import { withFileLock } from './file-lock.js';

export const HISTORY_FILE = 'history.jsonl';
export const HISTORY_MAX = 200;

const entrySchema = z.object({
  trigger: z.enum(['manual', 'scheduled', 'catch-up', 'owed', 'retry', 'restore']),
  result: z.enum(['completed', 'failed', 'canceled', 'skipped', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string(),
  bytes: z.number().optional(),
  backupId: z.string().optional(),
  error: z.object({ kind: z.string(), message: z.string(), detail: z.string().optional() }).optional(),
  note: z.string().optional(),
  safetyBackupId: z.string().optional(),
  phase: z.enum(['safety-backup', 'restore']).optional(),
  retentionDeleted: z.array(z.string()).optional(),
});

export interface HistoryStore {
  record(e: HistoryEntry): Promise<void>;
  /** Newest first. */
  list(): Promise<HistoryEntry[]>;
}

/** Parse JSON lines, oldest first as stored, skipping anything unreadable. */
function parseLines<T>(text: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = schema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // A torn or hand-edited line: skip it.
    }
  }
  return out;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** A capped JSON-lines log with locked appends (history, retention deletions). */
export function openJsonLog<T>(dir: string, file: string, schema: z.ZodType<T>, max: number) {
  const path = join(dir, file);
  const lock = `${path}.lock`;
  return {
    path,
    async append(entry: T): Promise<void> {
      await mkdir(dir, { recursive: true });
      await withFileLock(lock, async () => {
        const kept = [...parseLines(await readText(path), schema), entry].slice(-max);
        // Write beside and rename: a reader never sees a half-written file.
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, kept.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
        await rename(tmp, path);
      });
    },
    /** Oldest first. */
    async read(): Promise<T[]> {
      return parseLines(await readText(path), schema);
    },
  };
}

export function openHistory(configDir: string): HistoryStore {
  const log = openJsonLog(configDir, HISTORY_FILE, entrySchema as z.ZodType<HistoryEntry>, HISTORY_MAX);
  return {
    record: (e) => log.append(e),
    list: async () => (await log.read()).reverse(),
  };
}

/** Every backup retention deleted, for the record. */
export interface DeletionRecord {
  at: string;
  backupId: string;
  created: string;
  deviceName: string;
  bytes: number;
  reason: string;
}

const deletionSchema = z.object({
  at: z.string(),
  backupId: z.string(),
  created: z.string(),
  deviceName: z.string(),
  bytes: z.number(),
  reason: z.string(),
});

export const DELETIONS_FILE = 'retention-deletions.jsonl';

export function openDeletionLog(configDir: string) {
  const log = openJsonLog(configDir, DELETIONS_FILE, deletionSchema as z.ZodType<DeletionRecord>, 1000);
  return { record: (d: DeletionRecord) => log.append(d), list: async () => (await log.read()).reverse() };
}
