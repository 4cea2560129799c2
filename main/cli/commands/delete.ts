// `pieces-backup delete <id>`: deletes one backup. The Backup is sent as the body when the
// list knows it (as PiecesOS's own clients do); an id the list lacks is still tried, so the
// server has the last word.
import type { CliIO, GlobalOptions } from '../context.js';
import { configDirOf, connect } from '../context.js';
import { noteListChanged } from '../../core/list-refresh.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

export async function deleteCommand(io: CliIO, g: GlobalOptions, id: string): Promise<number> {
  const { client } = await connect(io, g);
  const known = await client.list().then(
    (all) => all.find((b) => b.id === id),
    () => undefined, // listing is only a nicety here; the delete itself decides
  );
  await client.delete(id, known);
  // An app or daemon on the same settings folder refreshes its list when this file changes.
  await noteListChanged(configDirOf(g));
  io.out(g.json ? safeJson({ deleted: id }) + '\n' : `Deleted backup ${visible(id)}.\n`);
  return 0;
}
