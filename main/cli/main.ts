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

// A reader that went away (`pieces-backup … | head -3`) makes the next write fail with EPIPE, an
// 'error' event that would crash the process mid-run, before the run is canceled or recorded.
// Output nobody reads is dropped instead; the run goes on to its end and is recorded.
const gone = { out: false, err: false };
process.stdout.on('error', () => (gone.out = true));
process.stderr.on('error', () => (gone.err = true));

const code = await runCli(
  process.argv.slice(2),
  {
    out: (s) => {
      if (!gone.out) process.stdout.write(s);
    },
    err: (s) => {
      if (!gone.err) process.stderr.write(s);
    },
    ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
    ...(isatty(0) ? { terminalInput: () => process.stdin } : {}),
    env: process.env,
  },
  controller.signal,
);
process.exitCode = code;
