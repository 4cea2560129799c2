// cancel() of a backup PiecesOS has named while making it goes through POST
// /backup/{id}/creation/cancel first (closing the stream alone need not stop PiecesOS), and the
// stream is closed once PiecesOS answered. A raw loopback server stands in for PiecesOS here: the
// emulator does not name a backup before it is complete, as PiecesOS may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createClient } from '../../main/api/client.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { openSettings } from '../../main/settings/store.js';
import { startServer, wireBackupWith } from '../api/http-fixture.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { setTimeout as sleep } from 'node:timers/promises';

test('cancel() of a backup PiecesOS has named sends creation/cancel while the stream is open, then ends canceled', async () => {
  const seen: string[] = [];
  let stream: ServerResponse | null = null;
  const server = await startServer((req, res) => {
    seen.push(`${req.method} ${req.url}${req.url === '/backup/b-42/creation/cancel' ? ` (stream open: ${stream !== null && !stream.writableEnded && !stream.destroyed})` : ''}`);
    if (req.url === '/backups/create/streamed') {
      stream = res;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ status: 'IN-PROGRESS', percentage: 10, backup: wireBackupWith('b-42', '2026-11-27T09:00:00.000Z') })}\n`);
      return; // and stands still until canceled
    }
    if (req.url === '/backup/b-42/creation/cancel') {
      res.writeHead(204).end();
      stream?.end(`${JSON.stringify({ status: 'CANCELED', percentage: 10 })}\n`);
      return;
    }
    res.writeHead(404).end();
  });
  try {
    await withTempDir('cancel', async (dir) => {
      const client = createClient({ baseUrl: server.url, timeoutMs: 5000 });
      const settings = openSettings({ configDir: dir });
      await settings.update({ schedule: { kind: 'off' } });
      const engine = new BackupEngine({ api: async () => client, settings, history: openHistory(dir), identity: openDeviceIdentity(dir) });
      const run = engine.backupNow();
      assert.ok(run.started);
      while ((engine.getState().running?.percentage ?? 0) < 10) await sleep(5);
      assert.equal(engine.cancel(), true);
      const entry = await run.done;
      assert.equal(entry.result, 'canceled');
      assert.equal(entry.error?.kind, 'canceled');
      // (The engine also lists what exists before each backup, beside the create; not part of the cancel.)
      assert.deepEqual(seen.filter((s) => s !== 'GET /backups'), ['POST /backups/create/streamed', 'POST /backup/b-42/creation/cancel (stream open: true)']);
      await engine.stop();
      client.close();
    });
  } finally {
    await server.close();
  }
});

test('cancel() while the backup to restore is still being looked up: canceled before it started, data untouched', async () => {
  const seen: string[] = [];
  const server = await startServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/backup/b-7') return; // PiecesOS is slow to answer
    res.writeHead(404).end();
  });
  try {
    await withTempDir('cancel-lookup', async (dir) => {
      const client = createClient({ baseUrl: server.url, timeoutMs: 5000 });
      const settings = openSettings({ configDir: dir });
      await settings.update({ schedule: { kind: 'off' } });
      const engine = new BackupEngine({ api: async () => client, settings, history: openHistory(dir), identity: openDeviceIdentity(dir) });
      const run = await engine.restore('b-7', { safetyBackup: true });
      assert.ok(run.started);
      while (seen.length === 0) await sleep(5);
      assert.equal(engine.cancel(), true);
      const entry = await run.done;
      assert.equal(entry.result, 'canceled');
      assert.equal(entry.phase, 'restore', 'as restore.ts names a stop while the backup is looked up (for the CLI too)');
      assert.equal(entry.error?.message, 'The restore was canceled before it started; your Pieces data is unchanged.');
      assert.deepEqual(seen, ['GET /backup/b-7'], 'no safety backup, no restore');
      await engine.stop();
      client.close();
    });
  } finally {
    await server.close();
  }
});
