// `pieces-backup … --stream | head -3`: the reader of stdout goes away while a run is under way.
// The run must neither crash with a stack trace (an unhandled EPIPE) nor be left unrecorded: it
// goes on to its end, is recorded in the history, and the exit code says how it ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliProcess, startCli } from '../helpers/cli.js';
import { useEmulatorEnv } from '../helpers/emulator-env.js';

// Slow enough that many progress lines follow the first.
const shared = useEmulatorEnv('epipe', { bytesPerSecond: 2_000_000, log: () => {} });

async function withStdoutClosedEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const { child, done } = startCli(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args]);
  // Like `head -1`: read the first chunk, then close the pipe.
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  child.stdout!.destroy();
  const r = await done;
  return { code: r.code, stderr: r.stderr };
}

async function latest(): Promise<Record<string, unknown>> {
  const h = JSON.parse((await runCliProcess(['--config-dir', shared.configDir, '--json', 'history'])).stdout) as Array<Record<string, unknown>>;
  return h[0]!;
}

test('create --stream whose stdout closes early finishes the backup, records it, and exits 0 without a stack trace', async () => {
  const r = await withStdoutClosedEarly(['create', '--stream']);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|\n\s+at /, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  const h = await latest();
  assert.equal(h.trigger, 'manual');
  assert.equal(h.result, 'completed');
});

test('restore --stream whose stdout closes early finishes the restore, records it, and exits 0 without a stack trace', async () => {
  const made = await runCliProcess(['--url', shared.emu.url, '--config-dir', shared.configDir, '--json', 'create']);
  const { id } = JSON.parse(made.stdout) as { id: string };
  const r = await withStdoutClosedEarly(['--json', 'restore', id, '--stream', '--yes']);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|\n\s+at /, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  const h = await latest();
  assert.equal(h.trigger, 'restore');
  assert.equal(h.result, 'completed');
  assert.equal(h.backupId, id);
});
