// The emulator's list of backups, kept newest first and persisted as `backups.json` in the data
// dir (temp file + rename, so a crash never leaves half a list). A corrupt file is set aside and
// the emulator starts empty rather than refusing to run.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { wireBackup } from '../main/api/wire.js';

const storedBackup = wireBackup.extend({ seeded: z.boolean().optional() });
export type StoredBackup = z.output<typeof storedBackup>;
const storedFile = z.object({ backups: z.array(storedBackup) });

export class BackupStore {
  private list: StoredBackup[] = [];
  private readonly byId = new Map<string, StoredBackup>();
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(dataDir: string, private readonly log: (line: string) => void) {
    this.file = path.join(dataDir, 'backups.json');
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    let parsed: z.output<typeof storedFile> | undefined;
    try {
      const result = storedFile.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
    } catch {
      // not JSON: handled below like any other corrupt file
    }
    if (parsed === undefined) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside);
      this.log(`The backup list ${this.file} was corrupt; it was moved to ${aside} and the emulator starts with an empty list.`);
      return;
    }
    this.replaceAll(parsed.backups);
  }

  all(): readonly StoredBackup[] {
    return this.list;
  }

  get(id: string): StoredBackup | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  async add(records: StoredBackup[]): Promise<void> {
    this.replaceAll([...this.list, ...records]);
    await this.save();
  }

  async remove(id: string): Promise<boolean> {
    if (!this.byId.has(id)) return false;
    // Removing keeps the order, so no re-sort.
    this.list = this.list.filter((b) => b.id !== id);
    this.byId.delete(id);
    await this.save();
    return true;
  }

  private replaceAll(records: StoredBackup[]): void {
    // Parse each date once; parsing inside the comparator dominates sorting 10,000 records.
    const ms = new Map(records.map((r) => [r, Date.parse(r.created.value)] as const));
    const at = (r: StoredBackup) => {
      const v = ms.get(r);
      return v === undefined || Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
    };
    this.list = records.sort((a, b) => at(b) - at(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    this.byId.clear();
    for (const r of this.list) this.byId.set(r.id, r);
  }

  /** Writes are queued so two mutations never race on the same temp file, and each writes the latest list. */
  private save(): Promise<void> {
    const next = this.writing.then(async () => {
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ backups: this.list }));
      await rename(tmp, this.file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
