import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probe, resolveBaseUrl, normalizeBaseUrl } from '../../main/api/discovery.js';
import { BackupsApiError } from '../../main/api/errors.js';
import { startServer, freePort, type Fixture } from './http-fixture.js';

/** A server whose health endpoint answers `status` with `body`, and version `version`. */
function healthServer(status: number, body: string, version = '12.3.4'): Promise<Fixture> {
  return startServer((req, res) => {
    if (req.url === '/.well-known/health') {
      res.writeHead(status);
      res.end(body);
    } else if (req.url === '/.well-known/version') {
      res.writeHead(200);
      res.end(version + '\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
}

test('an explicit URL wins, normalised, without probing', async () => {
  const r = await resolveBaseUrl({ explicit: ' http://127.0.0.1:1/ ', env: { PIECES_OS_URL: 'http://127.0.0.1:2' } });
  assert.deepEqual(r, { url: 'http://127.0.0.1:1', source: 'setting', version: null });
});

test('PIECES_OS_URL is used when there is no explicit setting', async () => {
  const r = await resolveBaseUrl({ explicit: null, env: { PIECES_OS_URL: 'https://localhost:39300/base//' } });
  assert.deepEqual(r, { url: 'https://localhost:39300/base', source: 'env', version: null });
});

test('an address that is not http(s), or not on this machine, is refused with a clear sentence and the reason', async () => {
  for (const [bad, why] of [['ftp://x', /not an http/], ['not a url', /not a URL/], ['http://127.0.0.1/?q=1', /query/], ['http://pieces.local:39300', /loopback/]] as const) {
    await assert.rejects(resolveBaseUrl({ explicit: bad }), (e: unknown) => e instanceof BackupsApiError && e.kind === 'unreachable' && /cannot be used/.test(e.message) && why.test(e.message));
  }
  await assert.rejects(resolveBaseUrl({ env: { PIECES_OS_URL: 'file:///etc' } }), /PIECES_OS_URL/);
  assert.equal(normalizeBaseUrl('HTTP://LOCALHOST:39300'), 'http://localhost:39300');
});

test('probe needs 200 and a body starting with ok, then reads the version', async () => {
  const good = await healthServer(200, 'ok:6f1c0b6e-uuid');
  const wrongBody = await healthServer(200, 'hello');
  const wrongStatus = await healthServer(503, 'ok');
  try {
    assert.deepEqual(await probe(good.url, { timeoutMs: 5000 }), { ok: true, version: '12.3.4' });
    assert.deepEqual(await probe(wrongBody.url, { timeoutMs: 5000 }), { ok: false, version: null });
    assert.deepEqual(await probe(wrongStatus.url, { timeoutMs: 5000 }), { ok: false, version: null });
    assert.deepEqual(await probe(`http://127.0.0.1:${await freePort()}`), { ok: false, version: null });
  } finally {
    await Promise.all([good.close(), wrongBody.close(), wrongStatus.close()]);
  }
});

test('discovery scans the port range and picks the first port that is PiecesOS', async () => {
  const imposter = await healthServer(200, 'not ok');
  const broken = await healthServer(500, 'ok');
  const real = await healthServer(200, 'ok:abc', '10.1.0');
  const later = await healthServer(200, 'ok:def', '9.9.9');
  const nothing = await freePort();
  try {
    const r = await resolveBaseUrl({ env: {}, ports: [nothing, imposter.port, broken.port, real.port, later.port], fallbackPorts: [], timeoutMs: 5000 });
    assert.deepEqual(r, { url: real.url, source: 'discovered', version: '10.1.0' });
  } finally {
    await Promise.all([imposter.close(), broken.close(), real.close(), later.close()]);
  }
});

test('discovery falls back to the legacy ports when the range is empty', async () => {
  const legacy = await healthServer(200, 'ok');
  try {
    const r = await resolveBaseUrl({ env: {}, ports: [await freePort()], fallbackPorts: [await freePort(), legacy.port], timeoutMs: 5000 });
    assert.equal(r.url, legacy.url);
    assert.equal(r.source, 'discovered');
  } finally {
    await legacy.close();
  }
});

test('nothing found is unreachable with what to do', async () => {
  const silent = await startServer(() => {
    /* never answers: the probe's own timeout must end it */
  });
  try {
    await assert.rejects(
      resolveBaseUrl({ env: {}, ports: [await freePort(), silent.port], fallbackPorts: [await freePort()], timeoutMs: 150 }),
      (e: unknown) => e instanceof BackupsApiError && e.kind === 'unreachable' && /PiecesOS was not found on 127\.0\.0\.1.*--url or PIECES_OS_URL/.test(e.message),
    );
  } finally {
    await silent.close();
  }
});

test('the not-found sentence names the ports scanned and how to set the address where the person is', async () => {
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  await assert.rejects(
    resolveBaseUrl({ env: {}, ports: [a, b], fallbackPorts: [c], timeoutMs: 1000, howToSetAddress: 'set its address in Settings' }),
    (e: unknown) => {
      assert.ok(e instanceof BackupsApiError && e.kind === 'unreachable');
      const sorted = [a, b].sort((x, y) => x - y);
      assert.ok(e.message.includes(`ports ${sorted.join(', ')} or ${c}`), e.message);
      assert.match(e.message, /Start PiecesOS, or set its address in Settings\.$/);
      return true;
    },
  );
});
