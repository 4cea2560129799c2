// `pieces-backup daemon`: the engine without Electron, until SIGINT or SIGTERM.
import type { CliIO, GlobalOptions } from '../context.js';
import { UsageError, configDirOf } from '../context.js';

export async function daemonCommand(io: CliIO, g: GlobalOptions, opts: { schedule?: string; signal: AbortSignal }): Promise<number> {
  // The engine, the scheduler and their libraries load here, not at the top of this file: the
  // CLI's other commands never pay for them.
  const [{ runDaemon }, { validateSchedule }] = await Promise.all([import('../../daemon/daemon.js'), import('../../engine/schedule.js')]);
  if (opts.schedule !== undefined) {
    const v = validateSchedule({ kind: 'custom', cron: opts.schedule });
    if (!v.ok) throw new UsageError(`--schedule: ${v.message}`);
  }
  return runDaemon({
    configDir: configDirOf(g),
    url: g.url ?? null,
    json: g.json,
    ...(opts.schedule === undefined ? {} : { schedule: opts.schedule }),
    // Without --timeout the daemon keeps the app's own timeouts, as the tray app would run.
    ...(g.timeoutGiven ? { timeoutMs: g.timeout * 1000 } : {}),
    // Without --stall-minutes the engine follows the saved setting (and its changes) itself.
    ...(g.stallMinutes === undefined ? {} : { stallMinutes: g.stallMinutes }),
    out: (line) => io.out(line.endsWith('\n') ? line : line + '\n'),
    signal: opts.signal,
  });
}
