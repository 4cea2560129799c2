// A plain-text log file in the settings folder, for the tray app's main process and the daemon:
// in a packaged app stderr goes nowhere, so this is where errors can be read afterwards.
// Appends are synchronous so the last line before a crash lands; the file is capped and rotated
// (name.log → name.log.1 → … → name.log.<keep>), so it never grows without bound. Writing never
// throws: a log that cannot be written must not take the app down.
// Hand-written (40 lines) rather than electron-log or a rotating stream: one synchronous append
// and a rename are all it needs, and the daemon must not load an Electron-flavoured library.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_KEEP = 3;

export interface FileLog {
  /** The current log file. */
  readonly path: string;
  /** Append one line, prefixed with the time (ISO 8601). */
  write(line: string): void;
}

export function openFileLog(dir: string, name: string, opts: { maxBytes?: number; keep?: number; now?: () => Date } = {}): FileLog {
  const path = join(dir, name);
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const keep = Math.max(1, opts.keep ?? LOG_KEEP);
  const now = opts.now ?? (() => new Date());

  const sizeOf = (p: string): number => {
    try { return statSync(p).size; } catch { return 0; }
  };
  const rotate = (): void => {
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try { renameSync(`${path}.${i}`, `${path}.${i + 1}`); } catch { /* that generation does not exist yet */ }
    }
    renameSync(path, `${path}.1`);
  };

  return {
    path,
    write(line) {
      const text = `${now().toISOString()} ${line.replace(/\r?\n/g, '\n    ')}\n`;
      try {
        mkdirSync(dir, { recursive: true });
        // Several processes may share the file (two daemons on one folder): read its size each time.
        const size = sizeOf(path);
        if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
        appendFileSync(path, text, 'utf8');
      } catch {
        // An unwritable settings folder: the app goes on without its file log (stderr still has it).
      }
    },
  };
}
