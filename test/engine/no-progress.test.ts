// The engine ends a backup whose progress stands still (issue 8: a server repeating
// {"status":"IN-PROGRESS","percentage":42} forever kept it running forever). The limit is the
// saved `stallMinutes`, read once per run, or the daemon's --stall-minutes override.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createClient } from '../../main/api/client.js';
import type { BackupsApi, StreamOptions } from '../../main/api/backups-api.js';
import { BackupEngine } from '../../main/engine/engine.js';
import { openHistory } from '../../main/engine/history.js';
import { openDeviceIdentity } from '../../main/engine/device-identity.js';
import { openSettings } from '../../main/settings/store.js';
import { freePort, startServer } from '../api/http-fixture.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** PiecesOS stuck at 42 %: the same value every 50 ms, so the silence timer never fires. */
async function stuckServer() {
  return startServer((req, res) => {
    if (req.url !== '/backups/create/streamed') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const timer = setInterval(() => res.write('{"status":"IN-PROGRESS","percentage":42}\n'), 50);
    res.on('close', () => clearInterval(timer));
  });
}

test('a backup whose progress stands still ends as stalled after the no-progress limit', async () => {
  const server = await stuckServer();
  try {
    await withTempDir('no-progress', async (dir) => {
      const client = createClient({ baseUrl: server.url, stallTimeoutMs: 10_000 });
      const settings = openSettings({ configDir: dir });
      await settings.update({ schedule: { kind: 'off' } });
      const engine = new BackupEngine({
        api: async () => client, settings, history: openHistory(dir), identity: openDeviceIdentity(dir),
        stallMinutesOverride: 0.02, // 1.2 s: the daemon's --stall-minutes, shortened for the test
      });
      const run = engine.backupNow();
      assert.ok(run.started);
      const entry = await run.done;
      assert.equal(entry.result, 'failed');
      assert.equal(entry.error?.kind, 'stalled');
      assert.match(entry.error?.message ?? '', /no progress .*stuck at 42%/);
      await engine.stop();
      client.close();
    });
  } finally {
    await server.close();
  }
});

test('the saved stallMinutes is what the engine gives the client for each run', async () => {
  await withTempDir('no-progress-setting', async (dir) => {
    const settings = openSettings({ configDir: join(dir, 'cfg') });
    await settings.update({ schedule: { kind: 'off' }, stallMinutes: 7 });
    const seen: Array<number | undefined> = [];
    // The only recording here is of the options the engine passes; the call itself fails for real
    // (nothing listens on that port).
    const client = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 });
    const api: BackupsApi = Object.assign(Object.create(client) as BackupsApi, {
      createStreamed: (opts: StreamOptions = {}) => {
        seen.push(opts.noProgressTimeoutMs);
        return client.createStreamed(opts);
      },
    });
    const engine = new BackupEngine({ api: async () => api, settings, history: openHistory(dir), identity: openDeviceIdentity(dir) });
    const first = engine.backupNow();
    if (first.started) await first.done;
    await settings.update({ stallMinutes: 3 });
    const second = engine.backupNow();
    if (second.started) await second.done;
    await engine.stop();
    assert.deepEqual(seen.slice(-2), [7 * 60_000, 3 * 60_000]);
  });
});
