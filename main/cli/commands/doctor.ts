// `pieces-backup doctor`: where PiecesOS is, which version, and how it was found.
import type { CliIO, GlobalOptions } from '../context.js';
import { connect } from '../context.js';
import { probe } from '../../api/discovery.js';
import { BackupsApiError } from '../../api/errors.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

const HOW: Record<string, string> = {
  flag: 'given with --url',
  settings: 'saved in Settings',
  env: 'from PIECES_OS_URL',
  discovered: 'discovered on this machine',
};

export async function doctorCommand(io: CliIO, g: GlobalOptions): Promise<number> {
  const found = await connect(io, g);
  const { url, source } = found;
  // An address given by hand is not probed by discovery: check it answers as PiecesOS.
  let version = found.version;
  if (source !== 'discovered') {
    const p = await probe(url, { timeoutMs: g.timeout * 1000 });
    if (!p.ok) throw new BackupsApiError('unreachable', `Nothing answers as PiecesOS at ${url} (no "ok" from /.well-known/health). Check that PiecesOS is running and the address is right.`);
    version = p.version;
  }
  if (g.json) {
    io.out(safeJson({ url, version, source }) + '\n');
  } else {
    io.out(`PiecesOS: ${url}\nVersion:  ${version === null ? 'unknown (the server did not say)' : visible(version)}\nFound:    ${HOW[found.given ?? source] ?? source}\n`);
  }
  return 0;
}
