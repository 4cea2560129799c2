// `pieces-backup list`: the cloud backups, newest first.
import type { CliIO, GlobalOptions } from '../context.js';
import { connect } from '../context.js';
import { backupJson, backupsTable } from '../output.js';
import { safeJson } from '../../shared/terminal-text.js';

export async function listCommand(io: CliIO, g: GlobalOptions): Promise<number> {
  const { client } = await connect(io, g);
  const backups = await client.list();
  io.out(g.json ? safeJson(backups.map(backupJson)) + '\n' : backupsTable(backups));
  return 0;
}
