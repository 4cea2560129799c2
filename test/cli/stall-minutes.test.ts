// --stall-minutes: how long a backup may go on without progress (status and percentage unchanged)
// before it is judged stalled, for `create --stream` and the daemon; default the saved
// `stallMinutes` setting, else 10.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { runCliProcess, startCli, jsonLines } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { openHistory } from '../../main/engine/history.js';
import { startHostileServer, type Route } from './hostile-server.js';
import { stallMinutesOf } from '../../main/cli/stall-minutes.js';

/** A stream that stays lively but says nothing new: the same value every 100 ms, forever. */
const sameValueForever: Route = (_req, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const tick = setInterval(() => res.write('{"status":"IN-PROGRESS","percentage":42}\n'), 100);
  res.on('close', () => clearInterval(tick));
};

test('create --stream --stall-minutes ends a backup without progress as stalled (exit 3), recorded in the history', { timeout: 60_000 }, () =>
  withTempDir('cli-stall-minutes', async (dir) => {
    const srv = await startHostileServer({ 'POST /backups/create/streamed': sameValueForever });
    try {
      // 0.05 min = 3 s; the silence timeout (--timeout 30) never fires: values keep coming.
      const r = await runCliProcess(['--url', srv.url, '--config-dir', dir, '--json', '--timeout', '30', '--stall-minutes', '0.05', 'create', '--stream']);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      const last = jsonLines(r.stdout).at(-1)!;
      assert.equal(last.event, 'error');
      assert.equal(last.kind, 'stalled');
      const h = await openHistory(dir).list();
      assert.equal(h[0]?.result, 'failed');
      assert.equal(h[0]?.error?.kind, 'stalled');
    } finally {
      await srv.close();
    }
  }));

test('daemon --stall-minutes ends a scheduled backup without progress as stalled', { timeout: 60_000 }, () =>
  withTempDir('daemon-stall-minutes', async (dir) => {
    const srv = await startHostileServer({ 'POST /backups/create/streamed': sameValueForever });
    try {
      const cfg = join(dir, 'cfg');
      await mkdir(cfg, { recursive: true });
      // A daily schedule set long ago: the daemon catches up at once.
      await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
      const { child, done } = startCli(['--url', srv.url, '--config-dir', cfg, '--json', '--timeout', '30', '--stall-minutes', '0.05', 'daemon']);
      let out = '';
      child.stdout!.on('data', (d: Buffer | string) => (out += String(d)));
      const failed = () => (out.includes('"event":"run"') ? jsonLines(out).find((e) => e.event === 'run') : undefined);
      const end = Date.now() + 20_000;
      while (failed() === undefined && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      const r = await done;
      assert.ok(failed(), `no run finished within 20 s: ${r.stdout}${r.stderr}`);
      assert.equal((failed()!.entry as { error?: { kind: string } }).error?.kind, 'stalled', out);
    } finally {
      await srv.close();
    }
  }));

test('--stall-minutes must be a positive number of minutes (exit 2)', async () => {
  for (const bad of ['0', '-1', 'soon', '1441']) {
    const r = await runCliProcess(['--json', '--stall-minutes', bad, 'create', '--stream']);
    assert.equal(r.code, 2, `${bad}: ${r.stdout}${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).kind, 'usage');
  }
});

test('the limit is --stall-minutes, else the saved stallMinutes setting, else 10', () =>
  withTempDir('cli-stall-default', async (dir) => {
    assert.equal(stallMinutesOf({ stallMinutes: 2.5, configDir: dir }), 2.5, 'the flag wins');
    assert.equal(stallMinutesOf({ configDir: dir }), 10, 'no settings file: 10');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ stallMinutes: 25 }));
    assert.equal(stallMinutesOf({ configDir: dir }), 25, 'the saved setting');
    assert.equal(stallMinutesOf({ stallMinutes: 3, configDir: dir }), 3, 'the flag wins over the setting');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ stallMinutes: 0 }));
    assert.equal(stallMinutesOf({ configDir: dir }), 10, 'an invalid saved value: 10');
    await writeFile(join(dir, 'config.json'), '{ not json');
    assert.equal(stallMinutesOf({ configDir: dir }), 10, 'an unreadable file: 10');
  }));
