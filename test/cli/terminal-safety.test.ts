// Server strings never reach a terminal raw: escape sequences, C1 controls and bidi overrides in
// anything PiecesOS sends are shown escaped in every human output of the built CLI and the daemon
// log, while --json keeps the exact data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { runCliProcess, startCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { HOSTILE, RAW_CONTROLS, json, startHostileServer, text, wireBackup } from './hostile-server.js';

/** HOSTILE as the person must see it. */
const SHOWN = 'A\\x1b[31mB\\x07C\\x9bD\\u202eE\\u2066F\\rG\\nH';

function assertSafe(output: string, what: string): void {
  const m = RAW_CONTROLS.exec(output);
  assert.equal(m, null, `${what} printed U+${m?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} raw: ${JSON.stringify(output)}`);
}

const hostileList = json(200, { iterable: [wireBackup({ id: `id-${HOSTILE}`, version: `v${HOSTILE}`, device_name: `dev-${HOSTILE}` })] });

test('list: hostile device names, ids and versions are shown escaped; --json keeps them exactly', () =>
  withTempDir('cli-hostile-list', async (dir) => {
    const srv = await startHostileServer({ 'GET /backups': hostileList });
    try {
      const r = await runCliProcess(['--url', srv.url, '--config-dir', dir, 'list']);
      assert.equal(r.code, 0, r.stderr);
      assertSafe(r.stdout, 'list');
      assert.ok(r.stdout.includes(`dev-${SHOWN}`), r.stdout);
      assert.ok(r.stdout.includes(`id-${SHOWN}`), r.stdout);
      assert.ok(r.stdout.includes(`v${SHOWN}`), r.stdout);
      assert.equal(r.stdout.trimEnd().split('\n').length, 2, 'a header and one row: no line broken by the data');

      const j = await runCliProcess(['--url', srv.url, '--config-dir', dir, '--json', 'list']);
      assert.equal(j.code, 0, j.stderr);
      assertSafe(j.stdout, 'list --json');
      const [b] = JSON.parse(j.stdout) as Array<{ id: string; version: string; deviceName: string }>;
      assert.deepEqual([b!.id, b!.version, b!.deviceName], [`id-${HOSTILE}`, `v${HOSTILE}`, `dev-${HOSTILE}`]);
    } finally {
      await srv.close();
    }
  }));

test('errors, history and create: a hostile server message is shown escaped', () =>
  withTempDir('cli-hostile-err', async (dir) => {
    const srv = await startHostileServer({
      'GET /backups': hostileList,
      'POST /backups/create': json(500, { message: `boom ${HOSTILE}` }),
      'POST /backups/create/streamed': json(200, { status: 'COMPLETED', percentage: 100, backup: wireBackup({ id: `new-${HOSTILE}`, device_name: `dev-${HOSTILE}` }) }),
    });
    try {
      const failed = await runCliProcess(['--url', srv.url, '--config-dir', dir, 'create']);
      assert.equal(failed.code, 1, failed.stderr);
      assertSafe(failed.stderr, 'the error line');
      assert.ok(failed.stderr.includes('boom A\\x1b[31m'), failed.stderr);
      assert.equal(failed.stderr.trimEnd().split('\n').length, 1, 'one line');

      const made = await runCliProcess(['--url', srv.url, '--config-dir', dir, 'create', '--stream']);
      assert.equal(made.code, 0, made.stderr);
      assertSafe(made.stdout, 'create --stream');
      assert.ok(made.stdout.includes(`new-${SHOWN}`), made.stdout);

      const h = await runCliProcess(['--config-dir', dir, 'history']);
      assert.equal(h.code, 0, h.stderr);
      assertSafe(h.stdout, 'history');
      assert.ok(h.stdout.includes('boom A\\x1b[31m'), h.stdout);
      assert.ok(h.stdout.includes(`new-${SHOWN}`), h.stdout);

      const hj = await runCliProcess(['--config-dir', dir, '--json', 'history']);
      assertSafe(hj.stdout, 'history --json');
      const entries = JSON.parse(hj.stdout) as Array<{ backupId?: string; error?: { message: string } }>;
      assert.equal(entries[0]!.backupId, `new-${HOSTILE}`);
      assert.ok(entries[1]!.error!.message.includes('\u001b[31m'), 'the data is kept in JSON');

      const je = await runCliProcess(['--url', srv.url, '--config-dir', dir, '--json', 'create']);
      assertSafe(je.stdout, 'an error in --json');
      assert.ok((JSON.parse(je.stdout) as { message: string }).message.includes('\u202e'));
    } finally {
      await srv.close();
    }
  }));

test('doctor: a hostile version string is shown escaped', () =>
  withTempDir('cli-hostile-doctor', async (dir) => {
    const srv = await startHostileServer({ 'GET /.well-known/version': text(200, `9${HOSTILE}`) });
    try {
      const r = await runCliProcess(['--url', srv.url, '--config-dir', dir, 'doctor']);
      assert.equal(r.code, 0, r.stderr);
      assertSafe(r.stdout, 'doctor');
      assert.match(r.stdout, /Version: +9A\\x1b\[31mB/);
    } finally {
      await srv.close();
    }
  }));

test('daemon log: a hostile failure message is shown escaped in the human log and kept in JSON lines', { timeout: 60_000 }, () =>
  withTempDir('cli-hostile-daemon', async (dir) => {
    const srv = await startHostileServer({
      'GET /backups': hostileList,
      'POST /backups/create/streamed': json(500, { message: `boom ${HOSTILE}` }),
    });
    try {
      for (const mode of ['human', 'json'] as const) {
        const cfg = join(dir, mode);
        await mkdir(cfg, { recursive: true });
        // A daily schedule set long ago: the daemon catches up at once.
        await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
        const { child, done } = startCli(['--url', srv.url, '--config-dir', cfg, ...(mode === 'json' ? ['--json'] : []), 'daemon']);
        let out = '';
        child.stdout!.on('data', (d: Buffer | string) => (out += String(d)));
        await new Promise<void>((resolve) => {
          const check = () => (/boom/.test(out) && /retrying|Retrying|"event":"run"/.test(out) ? resolve() : setTimeout(check, 50));
          check();
        });
        child.kill('SIGTERM');
        const r = await done;
        assert.equal(r.code, 0, r.stderr);
        assertSafe(r.stdout + r.stderr, `daemon (${mode})`);
        if (mode === 'human') assert.ok(r.stdout.includes('boom A\\x1b[31m'), r.stdout);
        else assert.ok(r.stdout.split('\n').some((l) => l.startsWith('{') && ((JSON.parse(l) as { message: string }).message ?? '').includes('\u001b[31m')));
      }
    } finally {
      await srv.close();
    }
  }));
