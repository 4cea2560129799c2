// Process entry of `pieces-backup`: wires real stdout/stderr and signals to the program.
import { isatty } from 'node:tty';
import { runCli } from './program.js';

const controller = new AbortController();
let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // The first signal cancels what is running so it can finish cleanly; a second one insists.
    // conf's atomic writer (when-exit) re-raises the signal it caught at once: a repeat within
    // a second is that echo, not a person pressing Ctrl-C again.
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      controller.abort(new Error(`received ${sig}`));
    } else if (now - firstSignalAt > 1000) {
      process.exit(130);
    }
  });
}

const code = await runCli(
  process.argv.slice(2),
  {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
    ...(isatty(0) ? { terminalInput: () => process.stdin } : {}),
    env: process.env,
  },
  controller.signal,
);
process.exitCode = code;
