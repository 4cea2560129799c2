// `pieces-backup restore` without --yes on a real terminal: a pseudo-terminal from util-linux's
// `script`, so the CLI sees a TTY on stdin and stderr exactly as a person's shell gives it. It
// shows the backup (device, date, size) and that the data is replaced, defaults to No, and
// restores only after "y".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/cli.js';
import { runCliOnTerminal, skipWithoutPty } from '../helpers/pty.js';
import { useEmulatorEnv } from '../helpers/emulator-env.js';

const skip = skipWithoutPty;

const shared = useEmulatorEnv('restore-tty', { log: () => {} });

/** Runs the CLI against this file's emulator and settings on a pseudo-terminal; types `answer` once the question is shown. */
const onTerminal = (args: string[], answer: string) => runCliOnTerminal(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args], answer);

async function backupThenChange(tag: string): Promise<{ id: string; marker: string }> {
  const r = await runCliProcess(['--url', shared.emu.url, '--config-dir', shared.configDir, '--json', 'create']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const { id } = JSON.parse(r.stdout) as { id: string };
  const marker = join(shared.dataDir, 'sample-db', `written-after-the-backup-${tag}.txt`);
  await writeFile(marker, 'newer data\n');
  return { id, marker };
}

test('on a terminal, Enter (the default, No) restores nothing: exit 1, the data and the backups untouched', { skip }, async () => {
  const { id, marker } = await backupThenChange('no');
  const before = (await runCliProcess(['--url', shared.emu.url, '--json', 'list'])).stdout;
  const r = await onTerminal(['restore', id], '\r');
  assert.equal(r.code, 1, r.screen);
  assert.match(r.screen, /Restore the backup from .+ \([A-Z][a-z]{2} \d{1,2}(?:, \d{4})?, \d{1,2}:\d\d(?:\s?[AP]M)?, [\d.]+ [KM]?B, id /, 'device, date, size');
  assert.match(r.screen, /replaces the Pieces data on this computer/);
  assert.match(r.screen, /A backup of the current data is made first/);
  assert.match(r.screen, /Not confirmed; nothing was restored/);
  assert.equal(await readFile(marker, 'utf8'), 'newer data\n');
  assert.equal((await runCliProcess(['--url', shared.emu.url, '--json', 'list'])).stdout, before, 'no safety backup');
});

test('on a terminal, "y" restores: the safety backup, then the backup\'s files in place', { skip }, async () => {
  const { id, marker } = await backupThenChange('yes');
  const r = await onTerminal(['restore', id, '--stream'], 'y\r');
  assert.equal(r.code, 0, r.screen);
  assert.match(r.screen, new RegExp(`Restored the backup from .+ id ${id}\\)`));
  await assert.rejects(readFile(marker), { code: 'ENOENT' }, 'the file written after the backup is gone');
  const h = JSON.parse((await runCliProcess(['--config-dir', shared.configDir, '--json', 'history'])).stdout) as Array<Record<string, unknown>>;
  assert.equal(h[0]!.trigger, 'restore');
  assert.equal(h[0]!.result, 'completed');
  assert.ok(h[0]!.safetyBackupId);
});
