// `pieces-backup delete <id>` cannot be undone, so it asks first. On a real terminal (a
// pseudo-terminal from util-linux's `script`: helpers/pty.ts) it shows what will be
// deleted and asks y/N; off a terminal it refuses without --yes (exit 2) and deletes nothing;
// --yes deletes at once. Either way it says what was deleted, and an id PiecesOS no longer has
// (HTTP 404) is said plainly, not as "HTTP 404".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliProcess } from '../helpers/cli.js';
import { runCliOnTerminal, skipWithoutPty } from '../helpers/pty.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { HOSTILE, RAW_CONTROLS, json, startHostileServer, wireBackup } from './hostile-server.js';
import { useEmulatorEnv } from '../helpers/emulator-env.js';

const skip = skipWithoutPty;

const shared = useEmulatorEnv('delete-confirm', { log: () => {}, deviceName: 'Tsavo’s MacBook', platform: 'MACOS' });

const cli = (args: string[]) => runCliProcess(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args]);

interface Made { id: string; version: string; bytes: number }
async function makeBackup(): Promise<Made> {
  const r = await cli(['--json', 'create']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Made;
}

async function ids(): Promise<string[]> {
  const r = await cli(['--json', 'list']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Array<{ id: string }>).map((b) => b.id);
}

/** Runs the CLI against this file's emulator and settings on a pseudo-terminal; types `answer` once the question is shown. */
const onTerminal = (args: string[], answer: string) => runCliOnTerminal(['--url', shared.emu.url, '--config-dir', shared.configDir, ...args], answer);

test('off a terminal without --yes: exit 2, a sentence saying to add --yes, nothing deleted (and --json says it as a usage error)', async () => {
  const made = await makeBackup();
  const r = await cli(['delete', made.id]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^pieces-backup: .*add --yes.*\n$/);
  assert.equal(r.stdout, '');
  const j = await cli(['--json', 'delete', made.id]);
  assert.equal(j.code, 2, j.stdout + j.stderr);
  const err = JSON.parse(j.stdout) as { event: string; kind: string; message: string };
  assert.deepEqual([err.event, err.kind], ['error', 'usage']);
  assert.match(err.message, /add --yes/);
  assert.ok((await ids()).includes(made.id), 'the backup is still there');
});

test('--yes deletes at once and says what was deleted (device, time, platform, version, size); --json keeps {"deleted":id}', async () => {
  const made = await makeBackup();
  const r = await cli(['delete', made.id, '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Deleted the backup from Tsavo’s MacBook \(.*\d:\d\d.*, macOS, PiecesOS [^,]+, [\d.]+ [KMG]?B, id [^)]+\)\.\n$/);
  assert.ok(r.stdout.includes(made.id) && r.stdout.includes(`PiecesOS ${made.version}`), r.stdout);
  assert.ok(!(await ids()).includes(made.id));

  const other = await makeBackup();
  const j = await cli(['--json', 'delete', other.id, '--yes']);
  assert.equal(j.code, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), { deleted: other.id });
  assert.ok(!(await ids()).includes(other.id));
});

test('an id PiecesOS no longer has (HTTP 404): "already deleted (or never existed)", exit 1 (kind http), no "HTTP 404"', async () => {
  const made = await makeBackup();
  assert.equal((await cli(['delete', made.id, '--yes'])).code, 0);
  const r = await cli(['delete', made.id, '--yes']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^pieces-backup: That backup was already deleted \(or never existed\)/);
  assert.doesNotMatch(r.stderr, /HTTP 404/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, 'one line');
  const j = await cli(['--json', 'delete', made.id, '--yes']);
  assert.equal(j.code, 1);
  const err = JSON.parse(j.stdout) as { event: string; kind: string; message: string };
  assert.deepEqual([err.event, err.kind], ['error', 'http']);
  assert.match(err.message, /already deleted \(or never existed\)/);
});

test('on a terminal, Enter (the default, No) deletes nothing: it showed what would be deleted; exit 1', { skip }, async () => {
  const made = await makeBackup();
  const r = await onTerminal(['delete', made.id], '\r');
  assert.equal(r.code, 1, r.screen);
  assert.match(r.screen, /Delete the backup from Tsavo’s MacBook \(.*\d:\d\d.*, macOS, PiecesOS [^,]+, [\d.]+ [KMG]?B, id /, 'time, device, platform, version, size');
  assert.ok(r.screen.includes(made.id), r.screen);
  assert.match(r.screen, /cannot be undone/);
  assert.match(r.screen, /Not confirmed; nothing was deleted/);
  assert.ok((await ids()).includes(made.id), 'still there');
});

test('on a terminal, "y" deletes and says what was deleted', { skip }, async () => {
  const made = await makeBackup();
  const r = await onTerminal(['delete', made.id], 'y\r');
  assert.equal(r.code, 0, r.screen);
  assert.match(r.screen, new RegExp(`Deleted the backup from Tsavo’s MacBook \\(.+id ${made.id}\\)\\.`));
  assert.ok(!(await ids()).includes(made.id));
});

test('on a terminal, an unknown id is said plainly before any question: exit 1, nothing asked', { skip }, async () => {
  const r = await onTerminal(['delete', '12.0.0_1000000000000'], 'y\r');
  assert.equal(r.code, 1, r.screen);
  assert.doesNotMatch(r.screen, /\[y\/N\]/);
  assert.match(r.screen, /already deleted \(or never existed\)/);
  assert.doesNotMatch(r.screen, /HTTP 404/);
});

test('a hostile device name in what was deleted is shown escaped', () =>
  withTempDir('cli-delete-hostile', async (dir) => {
    const b = wireBackup({ device_name: `dev-${HOSTILE}` });
    const srv = await startHostileServer({
      [`GET /backup/${b.id as string}`]: json(200, b),
      [`POST /backups/${b.id as string}/delete`]: (_req, res) => res.writeHead(204).end(),
    });
    try {
      const r = await runCliProcess(['--url', srv.url, '--config-dir', dir, 'delete', b.id as string, '--yes']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(RAW_CONTROLS.exec(r.stdout), null, JSON.stringify(r.stdout));
      assert.ok(r.stdout.includes('dev-A\\x1b[31mB'), r.stdout);
    } finally {
      await srv.close();
    }
  }));
