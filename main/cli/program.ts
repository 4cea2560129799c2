// The `pieces-backup` command line: parses arguments (commander) and runs one command,
// returning its exit code. Kept free of process globals so it can be driven from tests.
import { Argument, Command, CommanderError, InvalidArgumentError } from 'commander';
import type { CliIO, GlobalOptions } from './context.js';
import { reportError } from './context.js';
import { EXIT_USAGE } from './exit-codes.js';
import { safeJson, visible } from '../shared/terminal-text.js';
import { BASE_URL_HINT, checkBaseUrl } from '../api/base-url.js';
// Commands load on demand (separate chunks in the build), so `list` does not pay for the
// scheduler and settings libraries, nor the daemon for the progress bar.

const DEFAULT_TIMEOUT_S = 30;

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('give a number of seconds, e.g. --timeout 10');
  return n;
}

function minutes(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1440) throw new InvalidArgumentError('give a number of minutes above 0 and at most 1440, e.g. --stall-minutes 10');
  return n;
}

/** Checked here (not in the command's chunk) so a mistake is a usage error before anything runs. */
function pauseFor(v: string): string {
  if (v === '1h' || v === 'tomorrow' || v === 'until-resumed') return v;
  throw new InvalidArgumentError('give 1h, tomorrow or until-resumed (the default)');
}

function url(v: string): string {
  const r = checkBaseUrl(v);
  if (!r.ok) throw new InvalidArgumentError(`${r.reason}; give ${BASE_URL_HINT}`);
  return r.url;
}

export async function runCli(argv: string[], io: CliIO, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let code = 0;
  const program = new Command('pieces-backup')
    .description('Back up your Pieces data through PiecesOS: list, create, delete and restore cloud backups, or run the scheduler headless.')
    .option('--url <base>', 'PiecesOS address (default: the address saved in Settings, else PIECES_OS_URL, else discovered on this machine)', url)
    .option('--json', 'machine-readable output', false)
    .option('--timeout <seconds>', 'request timeout, and the longest silence allowed in a stream', seconds, DEFAULT_TIMEOUT_S)
    .option('--config-dir <dir>', "settings and history folder (default: the tray app's own)")
    .option('--stall-minutes <n>', 'minutes without progress before a backup (create --stream, a step of restore, daemon) is judged stalled (default: the saved stallMinutes setting, else 10)', minutes)
    .showHelpAfterError('(run pieces-backup --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s.split('\n').map(visible).join('\n')) });

  const globals = (): GlobalOptions => ({ ...program.opts<GlobalOptions>(), timeoutGiven: program.getOptionValueSource('timeout') === 'cli' });
  const run = (fn: () => Promise<number>) => async () => {
    try {
      code = await fn();
    } catch (e) {
      code = reportError(io, globals(), e);
    }
  };

  program.command('list').description('list the cloud backups, newest first').action(run(async () => (await import('./commands/list.js')).listCommand(io, globals())));
  program
    .command('create')
    .description('back up now')
    .option('--stream', 'show progress while the backup runs', false)
    .action((o: { stream: boolean }) => run(async () => (await import('./commands/create.js')).createCommand(io, globals(), { stream: o.stream, signal }))());
  program
    .command('delete')
    .description('delete one backup by its id (on a terminal it shows the backup and asks first)')
    .argument('<id>', 'the backup id, as `list` shows it')
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)', false)
    .action((id: string, o: { yes: boolean }) => run(async () => (await import('./commands/delete.js')).deleteCommand(io, globals(), { id, yes: o.yes, signal }))());
  program
    .command('restore')
    .description('replace the Pieces data on this computer with one backup (a backup of the current data is made first)')
    .argument('<id>', 'the backup id, as `list` shows it')
    .option('--stream', 'show progress while the safety backup and the restore run', false)
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)', false)
    .option('--no-safety-backup', 'do not back up the current data first')
    .action((id: string, o: { stream: boolean; yes: boolean; safetyBackup: boolean }) =>
      run(async () => (await import('./commands/restore.js')).restoreCommand(io, globals(), { id, stream: o.stream, yes: o.yes, safetyBackup: o.safetyBackup, signal }))(),
    );
  program
    .command('doctor')
    .description('show where PiecesOS is, its version and how it was found')
    .action(run(async () => (await import('./commands/doctor.js')).doctorCommand(io, globals())));
  program
    .command('history')
    .description('show the recorded backup runs, newest first')
    .action(run(async () => (await import('./commands/history.js')).historyCommand(io, globals())));
  program
    .command('status')
    .description('what Pieces Backup is doing (running, paused, owed, overdue), the last backup and failure, the next one, and whether PiecesOS answers')
    .action(run(async () => (await import('./commands/status.js')).statusCommand(io, globals())));
  program
    .command('pause')
    .description('pause automatic backups (for every app and daemon on this settings folder, as the tray does); manual backups still run')
    .addArgument(new Argument('[for]', '1h, tomorrow (until midnight) or until-resumed').argParser(pauseFor).default('until-resumed'))
    .action((choice: string) =>
      run(async () => {
        const m = await import('./commands/pause.js');
        return m.pauseCommand(io, globals(), m.PAUSE_CHOICES[choice] ?? 'resume');
      })(),
    );
  program
    .command('resume')
    .description('resume automatic backups paused from here, the tray or the window')
    .action(run(async () => (await import('./commands/resume.js')).resumeCommand(io, globals())));
  program
    .command('prune')
    .description('apply the saved retention policy now (under the backup lock), or only say what it would delete')
    .option('--dry-run', 'only say what would be deleted', false)
    .action((o: { dryRun: boolean }) => run(async () => (await import('./commands/prune.js')).pruneCommand(io, globals(), { dryRun: o.dryRun, signal }))());
  const settings = program
    .command('settings')
    .description('show or change the settings shared by the app, the daemon and the CLI (keys: schedule, retention.keepLast, …)');
  settings
    .command('get', { isDefault: true })
    .description('print all settings (key = value), or one')
    .argument('[key]', 'a dotted key, e.g. retention.keepLast')
    .action((key?: string) => run(async () => (await import('./commands/settings.js')).settingsCommand(io, globals(), { action: 'get', ...(key === undefined ? {} : { key }) }))());
  settings
    .command('set')
    .description('validate and save one setting; the value is JSON when it parses, else text (a text schedule is a cron expression)')
    .argument('<key>', 'a dotted key, e.g. schedule')
    .argument('<value>', 'e.g. \'{"kind":"daily","time":"03:00"}\', "0 3 * * *", 5, true, null')
    .action((key: string, value: string) => run(async () => (await import('./commands/settings.js')).settingsCommand(io, globals(), { action: 'set', key, value }))());
  settings
    .command('reset')
    .description('restore the default of one setting')
    .argument('<key>', 'a dotted key')
    .action((key: string) => run(async () => (await import('./commands/settings.js')).settingsCommand(io, globals(), { action: 'reset', key }))());
  program
    .command('daemon')
    .description('run scheduled backups without the tray app, until Ctrl-C or SIGTERM')
    .option('--schedule <cron>', 'use this cron expression instead of the saved schedule, for this run only')
    .action((o: { schedule?: string }) => run(async () => (await import('./commands/daemon.js')).daemonCommand(io, globals(), { ...o, signal }))());

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; anything else is a usage mistake.
      if (e.exitCode === 0) return 0;
      const json = argv.includes('--json');
      if (json) io.out(safeJson({ event: 'error', kind: 'usage', message: e.message.replace(/^error: /, '') }) + '\n');
      return EXIT_USAGE;
    }
    return reportError(io, { json: argv.includes('--json') }, e);
  }
  return code;
}
