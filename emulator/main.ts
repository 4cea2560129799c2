// `npm run emulator -- --port 0 --data-dir <dir>`: runs the PiecesOS Backups API emulator until
// SIGINT/SIGTERM. Prints exactly `listening on http://127.0.0.1:<port>` on stdout once ready
// (scripts and tests wait for that line); everything else goes to stderr.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from './server.js';
import { DEFAULT_VERSION, FRAMINGS, type Faults, type Framing } from './types.js';

/** Paces the default sample (~2.4 MB of tar) over about a second so progress visibly streams (restores too). */
const DEFAULT_BYTES_PER_SECOND = 2.5 * 1024 * 1024;

function intIn(min: number, max: number, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

function percent(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage must be a number from 0 to 100.');
  return n;
}

function framing(v: string): Framing {
  const f = FRAMINGS.find((x) => x === v);
  if (f === undefined) throw new InvalidArgumentError(`the framing must be one of ${FRAMINGS.join(', ')}.`);
  return f;
}

interface Flags {
  port: number;
  dataDir?: string;
  source?: string;
  framing: Framing;
  bytesPerSecond: number;
  notSignedIn?: boolean;
  serverError?: boolean;
  failAt?: number;
  dropAt?: number;
  malformed?: boolean;
  stallAt?: number;
  resetAt?: number;
  omitBackup?: boolean;
  deviceInformation?: boolean;
  deviceName?: string;
  seed?: number;
  version: string;
}

const program = new Command()
  .name('emulator')
  .description('An emulator of PiecesOS\'s Backups API that backs up a real folder into a local "cloud".')
  .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', intIn(0, 65535, 'the port'), 0)
  .option('--data-dir <dir>', 'where the cloud archives, the backup list and the sample database live (default: a new folder in the temp dir)')
  .option('--source <dir>', 'the local database: the folder to back up, and to restore over (!), instead of the generated sample database')
  .option('--framing <framing>', `framing of the streamed create and restore: ${FRAMINGS.join(', ')}`, framing, 'ndjson' as Framing)
  .option('--bytes-per-second <n>', 'speed limit of the archiving and restoring work', intIn(1, Number.MAX_SAFE_INTEGER, 'the speed limit'), DEFAULT_BYTES_PER_SECOND)
  .option('--not-signed-in', 'fault: answer 401 as if nobody is signed in to Pieces')
  .option('--server-error', 'fault: answer 500 to every Backups API call')
  .option('--fail-at <pct>', 'fault: a backup or restore fails at this percentage', percent)
  .option('--drop-at <pct>', 'fault: the connection is dropped at this percentage', percent)
  .option('--malformed', 'fault: answers carry a malformed value')
  .option('--stall-at <pct>', 'fault: a backup or restore stops sending at this percentage until the client gives up', percent)
  .option('--reset-at <pct>', 'fault: a backup or restore sends RESET at this percentage, then starts over from 0 (once)', percent)
  .option('--omit-backup', 'fault: a streamed create or restore ends COMPLETED without saying which backup')
  .option('--no-device-information', 'fault: GET /os/device/information answers 404, like an older PiecesOS')
  .option('--device-name <name>', "the device name put on this emulator's backups and answered by /os/device/information (default: the host name)")
  .option('--seed <count>', 'add this many metadata-only backups at start', intIn(0, 100_000, 'the seed count'))
  .option('--version <v>', 'the PiecesOS version to report and to form ids from', DEFAULT_VERSION)
  .exitOverride()
  .configureOutput({ writeErr: () => undefined });

async function main(): Promise<void> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') process.exit(0);
      process.stderr.write(`${e.message.replace(/^error: /, '')} Run with --help to see the options.\n`);
      process.exit(2);
    }
    throw e;
  }
  const flags = program.opts<Flags>();
  const faults: Faults = {};
  if (flags.notSignedIn === true) faults.notSignedIn = true;
  if (flags.serverError === true) faults.serverError = true;
  if (flags.malformed === true) faults.malformed = true;
  if (flags.failAt !== undefined) faults.failAtPercent = flags.failAt;
  if (flags.dropAt !== undefined) faults.dropAtPercent = flags.dropAt;
  if (flags.stallAt !== undefined) faults.stallAtPercent = flags.stallAt;
  if (flags.resetAt !== undefined) faults.resetAtPercent = flags.resetAt;
  if (flags.omitBackup === true) faults.omitBackup = true;
  // commander turns --no-device-information into deviceInformation: false.
  if (flags.deviceInformation === false) faults.noDeviceInformation = true;
  const dataDir = path.resolve(flags.dataDir ?? path.join(os.tmpdir(), `pieces-backup-emulator-${process.pid}`));

  let emulator;
  try {
    emulator = await startEmulator({
      port: flags.port, dataDir, framing: flags.framing, bytesPerSecond: flags.bytesPerSecond, faults, version: flags.version,
      ...(flags.source === undefined ? {} : { source: flags.source }),
      ...(flags.deviceName === undefined ? {} : { deviceName: flags.deviceName }),
    });
    if (flags.seed !== undefined && flags.seed > 0) await emulator.seed(flags.seed);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit((e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 1 : 2);
  }
  process.stderr.write(`emulator data dir: ${dataDir}\n`);
  process.stdout.write(`listening on ${emulator.url}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
