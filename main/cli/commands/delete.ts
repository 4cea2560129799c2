// `pieces-backup delete <id> [--yes]`: deletes one cloud backup. That cannot be undone, so:
//   - without --yes a person confirms it on a terminal (default No), after seeing what will be
//     deleted (time, device, platform, PiecesOS version, size); off a terminal it is refused
//     (exit 2) rather than assumed, before anything is contacted. --json changes neither: the
//     question goes to the terminal (stderr), stdout stays one JSON object.
//   - The Backup is looked up first (GET /backup/{id}, else the list) and sent as the body, as
//     PiecesOS's own clients do. With --yes a lookup that does not find it (or fails, unless
//     PiecesOS is unreachable) does not stop the delete: the server has the last word.
//   - An id PiecesOS does not have (HTTP 404, looking it up or deleting it) is said plainly:
//     exit 1, kind http, as for restore's unknown id.
import type { Backup } from '../../api/wire.js';
import { BackupsApiError, isApiError } from '../../api/errors.js';
import type { BackupsApi } from '../../api/backups-api.js';
import type { CliIO, GlobalOptions } from '../context.js';
import { UsageError, configDirOf, connect, reportError } from '../context.js';
import { confirm } from '../confirm.js';
import { textSink } from '../text-sink.js';
import { noteListChanged } from '../../core/list-refresh.js';
import { findBackup } from '../../engine/restore.js';
import { formatBytes } from '../../shared/format.js';
import { formatDateTimeIso } from '../../shared/time-format.js';
import { platformName } from '../../shared/platform-name.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

export interface DeleteOptions {
  id: string;
  yes: boolean;
  signal?: AbortSignal;
}

export const DELETE_NEEDS_YES =
  'Deleting a backup cannot be undone, so it asks for confirmation first, and stdin is not a terminal to ask on; add --yes to delete without asking.';

/** The sentence for an id PiecesOS does not have (no "HTTP 404": that is the server's word for it). */
export function alreadyDeleted(id: string): BackupsApiError {
  return new BackupsApiError('http', `That backup was already deleted (or never existed): PiecesOS has no backup with id ${JSON.stringify(id)}. Run pieces-backup list to see the backups there are.`, { status: 404 });
}

const isNotFound = (e: unknown): boolean => isApiError(e) && e.kind === 'http' && e.status === 404;

/** "the backup from Tsavo's MacBook (Mar 1, 12:00 PM, macOS, PiecesOS 12.0.0, 4.2 MB, id …)": server text made visible. */
export function describeForDelete(b: Backup): string {
  const details = [formatDateTimeIso(b.created), platformName(b.platform), `PiecesOS ${b.version}`].map(visible);
  return `the backup from ${visible(b.deviceName)} (${details.join(', ')}, ${formatBytes(b.bytes)}, id ${visible(b.id)})`;
}

export async function deleteCommand(io: CliIO, g: GlobalOptions, opts: DeleteOptions): Promise<number> {
  // Refused before anything is contacted: off a terminal there is nobody to confirm.
  if (!opts.yes && !io.terminalInput) throw new UsageError(DELETE_NEEDS_YES);
  const signal = opts.signal ?? new AbortController().signal;
  const { client } = await connect(io, g);

  const target = await lookUp(client, opts, signal);
  if (!opts.yes) {
    // Asking needs to show what would go; lookUp has thrown unless it found it.
    const question = [`Delete ${describeForDelete(target!)}?`, 'This cannot be undone.', 'Delete? [y/N] '].join('\n');
    const yes = await confirm(question, { input: io.terminalInput!(), output: io.tty ?? textSink(io.err), signal });
    // Declining is no fault of the server's, but nothing was deleted: exit 1, kind canceled (as restore).
    if (!yes) return reportError(io, g, new BackupsApiError('canceled', 'Not confirmed; nothing was deleted.'));
  }

  try {
    await client.delete(opts.id, target, { signal });
  } catch (e) {
    throw isNotFound(e) ? alreadyDeleted(opts.id) : e;
  }
  // An app or daemon on the same settings folder refreshes its list when this file changes.
  await noteListChanged(configDirOf(g));
  if (g.json) io.out(safeJson({ deleted: opts.id }) + '\n');
  else io.out(`Deleted ${target ? describeForDelete(target) : `backup ${visible(opts.id)}`}.\n`);
  return 0;
}

/** The backup to delete; undefined only with --yes when PiecesOS could not describe it. */
async function lookUp(client: BackupsApi, opts: DeleteOptions, signal: AbortSignal): Promise<Backup | undefined> {
  try {
    return await findBackup(client, opts.id, signal);
  } catch (e) {
    // Without --yes there is nothing to show a person.
    if (!opts.yes) throw isNotFound(e) ? alreadyDeleted(opts.id) : e;
    // With it the delete decides (its 404 is said the same way), unless nothing answers at all
    // or the run was canceled: a slow or broken answer to the lookup says nothing of the delete's.
    if (!isApiError(e) || e.kind === 'unreachable' || e.kind === 'canceled') throw e;
    return undefined;
  }
}
