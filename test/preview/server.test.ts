// The preview server's HTTP layer, with the real core against the emulator over loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { startPreview, type RunningPreview } from '../../main/preview/server.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** A raw POST (no URL normalisation by a client library), answering status and parsed JSON body. */
function post(preview: RunningPreview, rawPath: string, body = ''): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: preview.port, method: 'POST', path: rawPath, headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, json: text });
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withPreview(fn: (p: RunningPreview) => Promise<void>): Promise<void> {
  await withTempDir('preview', async (dir) => {
    const emulator = await startEmulator({ port: 0, dataDir: path.join(dir, 'cloud'), log: () => undefined, deviceName: 'test-box' });
    // The HTTP layer is under test, not the page: placeholder files spare a renderer build.
    const rendererDir = path.join(dir, 'renderer');
    await mkdir(rendererDir);
    for (const f of ['index.html', 'app.js', 'styles.css', 'preview-bridge.js']) await writeFile(path.join(rendererDir, f), '');
    const preview = await startPreview({ url: emulator.url, port: 0, configDir: path.join(dir, 'config'), rendererDir });
    try {
      await fn(preview);
    } finally {
      await preview.close();
      await emulator.close();
    }
  });
}

test('a malformed IPC path is a 400 that says why, not a 500', async () => {
  // Regression (issue 8): decodeURIComponent threw a URIError and the preview answered 500.
  await withPreview(async (preview) => {
    for (const bad of ['/ipc/%E0%A4%A', '/ipc/%', '/ipc/history%3list']) {
      const r = await post(preview, bad);
      assert.equal(r.status, 400, bad);
      assert.deepEqual(r.json, { ok: false, error: { kind: 'invalid-request', message: 'The request path is not valid: its percent-encoding is malformed.' } }, bad);
    }
    // A request target that is no URL at all (absolute-form with a broken host).
    const noUrl = await post(preview, 'http://[x/ipc/history:list');
    assert.equal(noUrl.status, 400);
    assert.deepEqual(noUrl.json, { ok: false, error: { kind: 'invalid-request', message: 'The request address is not a valid URL.' } });
    // A well-encoded channel still reaches the core.
    const ok = await post(preview, '/ipc/history%3Alist');
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { ok: boolean }).ok, true);
  });
});
