// `npm run preview -- [--url <base>] [--port <p>] [--config-dir <dir>]`: the renderer in a browser
// against a PiecesOS (without --url: discovered, else the emulator). Prints exactly
// `preview on http://127.0.0.1:<port>/` once ready; everything else goes to stderr.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkBaseUrl } from '../api/base-url.js';
import { startPreview } from './server.js';

function portArg(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 65535) throw new InvalidArgumentError('the port must be a whole number from 0 to 65535 (0 picks a free one).');
  return n;
}

function urlArg(v: string): string {
  const r = checkBaseUrl(v);
  if (!r.ok) throw new InvalidArgumentError(`this PiecesOS address cannot be used: ${r.reason}; give one like http://127.0.0.1:39300.`);
  return r.url;
}

interface Flags {
  url?: string;
  port: number;
  configDir?: string;
}

const program = new Command()
  .name('preview')
  .description('Serve the Pieces Backup window on 127.0.0.1 with the real main-side handlers and engine behind it.')
  .option('--url <base>', 'PiecesOS base URL (default: discover it, else start the emulator)', urlArg)
  .option('--port <p>', 'port on 127.0.0.1 (0 picks a free one)', portArg, 0)
  .option('--config-dir <dir>', 'settings and history folder (default: a new temp folder, so your real settings stay untouched)')
  .exitOverride();

async function main(): Promise<void> {
  try {
    program.parse();
  } catch (e) {
    process.exitCode = e instanceof CommanderError ? (e.exitCode === 0 ? 0 : 2) : 1;
    return;
  }
  const flags = program.opts<Flags>();
  const cleanups: (() => Promise<void>)[] = [];
  const configDir = flags.configDir ? path.resolve(flags.configDir) : await mkdtemp(path.join(os.tmpdir(), 'pieces-backup-preview-'));
  if (!flags.configDir) cleanups.push(() => rm(configDir, { recursive: true, force: true }));

  const opts: Parameters<typeof startPreview>[0] = { port: flags.port, configDir };
  if (flags.url !== undefined) opts.url = flags.url;
  else {
    // The core discovers PiecesOS; only when none answers does it call this for the emulator.
    opts.fallbackUrl = async () => {
      const { startEmulator } = await import('../../emulator/server.js');
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pieces-backup-preview-emulator-'));
      const emulator = await startEmulator({ port: 0, dataDir, bytesPerSecond: 2.5 * 1024 * 1024, log: (l) => process.stderr.write(`emulator: ${l}\n`) });
      cleanups.unshift(() => emulator.close(), () => rm(dataDir, { recursive: true, force: true }));
      process.stderr.write(`PiecesOS not found; using the emulator at ${emulator.url}\n`);
      return emulator.url;
    };
  }
  const preview = await startPreview(opts);
  process.stdout.write(`preview on ${preview.url}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await preview.close();
    for (const c of cleanups) await c().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`preview: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
