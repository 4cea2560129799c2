// V8 settings for the headless daemon's own process. The daemon waits for days between backups
// and, while one runs, only reads PiecesOS's progress lines and writes a history record: it never
// needs V8's optimising compiler, whose code and the pages of node it touches cost ≈ 10 MiB of
// resident memory in a process that does nothing (bench `idle`). Lite mode (no optimising
// compiler, lazy feedback vectors, heap sized for memory rather than speed) is the trade V8 offers
// for exactly this kind of process. Set at run time, before the daemon loads its modules' code,
// so it applies to everything the daemon compiles; the CLI's other commands keep the defaults.
import { setFlagsFromString } from 'node:v8';

export const DAEMON_V8_FLAGS = ['--lite-mode'] as const;

export function useLeanRuntime(): void {
  for (const flag of DAEMON_V8_FLAGS) setFlagsFromString(flag);
}
