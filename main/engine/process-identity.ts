// Is the process now at a pid still the one that took the backup lock? Pids are reused, so a live
// pid alone proves nothing. Where the OS tells (Linux: /proc), a process is known by its pid and
// its start time, which no later process at the same pid can share. Elsewhere the OS cannot tell
// cheaply, and the lock's heartbeat age decides alone.
import { readFile } from 'node:fs/promises';

/** The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
export async function processStartOf(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    return start && /^\d+$/.test(start) ? start : null;
  } catch {
    return null;
  }
}

async function commandLineOf(pid: number): Promise<string[] | null> {
  if (process.platform !== 'linux') return null;
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** A command line of Pieces Backup: the app, the CLI or the daemon, packaged or from source. */
export function looksLikePiecesBackup(args: readonly string[]): boolean {
  const ownScript = process.argv[1];
  return args.some((a) => /pieces[-_ ]?backup/i.test(a) || (ownScript !== undefined && a === ownScript));
}

/**
 * Whether the live process at `pid` is the lock owner that recorded `start` (its start time).
 * A lock written without a start time (an older version) is honoured only while the process
 * at that pid looks like Pieces Backup. True whenever the OS cannot tell.
 */
export async function isSameProcess(pid: number, start: string | undefined): Promise<boolean> {
  if (start !== undefined) {
    const now = await processStartOf(pid);
    return now === null || now === start;
  }
  const args = await commandLineOf(pid);
  return args === null || looksLikePiecesBackup(args);
}
