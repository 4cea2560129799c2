import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { HttpBackupsClient, createClient, describeError } from '../../main/api/client.js';
import { BackupsApiError } from '../../main/api/errors.js';
import { fromWireBackup, wireBackup, type BackupProgress } from '../../main/api/wire.js';
import { startServer, freePort, streaming, wireSample, wireBackupWith, type Handler } from './http-fixture.js';
import { rejectsKind } from '../helpers/api-errors.js';

/** Runs `fn` with a client pointed at a fresh server, then closes it. */
async function withServer(handler: Handler, fn: (c: HttpBackupsClient) => Promise<void>, opts: { timeoutMs?: number; stallTimeoutMs?: number } = {}): Promise<void> {
  const srv = await startServer(handler);
  try {
    await fn(createClient({ baseUrl: srv.url + '/', timeoutMs: opts.timeoutMs ?? 2000, stallTimeoutMs: opts.stallTimeoutMs ?? 2000 }));
  } finally {
    await srv.close();
  }
}


function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const progress = (status: string, percentage: number | null, extra: Record<string, unknown> = {}) => ({ status, percentage, ...extra });

test('list validates, ignores unknown fields, maps unknown enums and sorts newest first', async () => {
  await withServer((req, res) => {
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/backups');
    json(res, 200, {
      iterable: [
        wireBackupWith('old', '2024-01-01T00:00:00Z'),
        wireBackupWith('new', '2025-06-01T00:00:00Z', { platform: 'PLAN9', surprise: [1, 2] }),
        wireBackupWith('mid', '2024-06-01T00:00:00Z'),
      ],
      indices: { old: 0 },
      score: {},
    });
  }, async (c) => {
    assert.equal(c.baseUrl.endsWith('/'), false);
    const list = await c.list();
    assert.deepEqual(list.map((b) => b.id), ['new', 'mid', 'old']);
    assert.equal(list[0]?.platform, 'UNKNOWN');
    assert.equal(list[0]?.deviceName, 'laptop');
  });
});

test('401 and 403 are not-signed-in, said once with what to do; the server message in the detail', async () => {
  for (const status of [401, 403]) {
    await withServer((_req, res) => json(res, status, { message: 'User is not connected to the cloud.' }), async (c) => {
      const e = await rejectsKind(c.list(), 'not-signed-in', /not connected to the Pieces cloud\. Sign in to Pieces/);
      assert.equal(e.status, status);
      assert.equal(e.detail, `HTTP ${status}: "User is not connected to the cloud."`);
    });
  }
});

test('500 with a JSON message is http with status and that message', async () => {
  await withServer((_req, res) => json(res, 500, { error: { message: 'database is locked' } }), async (c) => {
    const e = await rejectsKind(c.list(), 'http', /HTTP 500: database is locked/);
    assert.equal(e.status, 500);
  });
});

test('500 with a text message is http with that text, trimmed and bounded', async () => {
  await withServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end(`  Service   unavailable\n${'x'.repeat(5000)}`);
  }, async (c) => {
    const e = await rejectsKind(c.create(), 'http', /HTTP 503: Service unavailable x+…$/);
    assert.ok(e.message.length < 400);
  });
});

test('a list that is not JSON is bad-response', async () => {
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>hello</html>');
  }, async (c) => {
    await rejectsKind(c.list(), 'bad-response', /not JSON.*<html>/);
  });
});

test('a list of the wrong shape is bad-response naming the field', async () => {
  await withServer((_req, res) => json(res, 200, { iterable: [wireSample, { ...wireSample, bytes: 'many' }] }), async (c) => {
    await rejectsKind(c.list(), 'bad-response', /iterable\.1\.bytes/);
  });
  await withServer((_req, res) => json(res, 200, [wireSample]), async (c) => {
    await rejectsKind(c.list(), 'bad-response', /unexpected shape/);
  });
});

test('create posts {} and returns the validated backup', async () => {
  await withServer((req, res, body) => {
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/backups/create');
    assert.deepEqual(JSON.parse(body), {});
    json(res, 200, wireSample);
  }, async (c) => {
    const b = await c.create();
    assert.equal(b.id, wireSample.id);
    assert.equal(b.created, wireSample.created.value);
  });
});

test('no answer within the timeout is timeout', async () => {
  await withServer(() => {
    /* never answers */
  }, async (c) => {
    await rejectsKind(c.list(), 'timeout', /did not answer within 200 ms/);
  }, { timeoutMs: 200 });
});

test('an unreachable port is unreachable', async () => {
  const port = await freePort();
  const c = createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  const refused = await rejectsKind(c.list(), 'unreachable', /Could not reach PiecesOS/);
  assert.equal(refused.detail, 'ECONNREFUSED', 'the code is kept beside the sentence');
  await rejectsKind(c.createStreamed(), 'unreachable');
});

test('a connection closed before any answer is connection-lost', async () => {
  await withServer((req) => req.socket.destroy(), async (c) => {
    await rejectsKind(c.list(), 'connection-lost');
  });
});

test('delete sends weird ids as one percent-encoded segment and the Backup as body', async () => {
  const ids = ['a/b?c#d%e f ü', '9.0.5_1732612345678', '..x', 'ñ/..', '日本'];
  const seen: { url: string; body: string }[] = [];
  await withServer((req, res, body) => {
    seen.push({ url: req.url ?? '', body });
    res.writeHead(204);
    res.end();
  }, async (c) => {
    const backup = fromWireBackup(wireBackup.parse(wireSample));
    await c.delete(ids[0] ?? '', backup);
    for (const id of ids.slice(1)) await c.delete(id);
    await rejectsKind(c.delete('..'), 'bad-response', /cannot be put in a URL/);
  });
  assert.equal(seen.length, ids.length);
  seen.forEach((s, i) => {
    const m = /^\/backups\/([^/]+)\/delete$/.exec(s.url);
    assert.ok(m, `one segment: ${s.url}`);
    assert.equal(decodeURIComponent(m[1] ?? ''), ids[i]);
  });
  assert.equal(seen[0]?.url, '/backups/a%2Fb%3Fc%23d%25e%20f%20%C3%BC/delete');
  assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), wireSample);
  assert.deepEqual(JSON.parse(seen[1]?.body ?? ''), {});
});

test('delete accepts any 2xx with or without a body; errors keep their kind', async () => {
  let status = 200;
  await withServer((_req, res) => {
    res.writeHead(status);
    res.end(status === 200 ? 'deleted' : 'no such backup');
  }, async (c) => {
    await c.delete('x');
    status = 404;
    await rejectsKind(c.delete('x'), 'http', /404: no such backup/);
  });
});

const ndjson = (vals: unknown[]) => vals.map((v) => JSON.stringify(v) + '\n');
const completed = progress('COMPLETED', 100, { backup: wireSample });

test('createStreamed reports every value as it arrives and resolves with the backup', async () => {
  const vals = [progress('INITIALIZED', null), progress('IN-PROGRESS', 30), progress('IN-PROGRESS', 30), progress('RESET', 0), progress('IN-PROGRESS', 10), completed];
  const framings: [string, string[], string][] = [
    ['ndjson', ndjson(vals), 'application/x-ndjson'],
    ['sse', vals.map((v) => `: c\r\nevent: progress\r\ndata: ${JSON.stringify(v)}\r\n\r\n`), 'text/event-stream'],
    ['concat', [vals.map((v) => JSON.stringify(v)).join('')], 'application/json'],
  ];
  for (const [name, pieces, contentType] of framings) {
    // Re-split into 7-byte pieces so values straddle writes.
    const all = pieces.join('');
    const small: string[] = [];
    for (let i = 0; i < all.length; i += 7) small.push(all.slice(i, i + 7));
    await withServer(streaming(small, { contentType, gapMs: 0 }), async (c) => {
      const seen: BackupProgress[] = [];
      const b = await c.createStreamed({ onProgress: (p) => seen.push(p) });
    assert.ok(b, 'the completed value carried the backup');
      assert.equal(b.id, wireSample.id, name);
      assert.deepEqual(seen.map((p) => [p.status, p.percentage]), [['INITIALIZED', null], ['IN-PROGRESS', 30], ['IN-PROGRESS', 30], ['RESET', 0], ['IN-PROGRESS', 10], ['COMPLETED', 100]], name);
    });
  }
});

test('createStreamed: an onProgress listener that throws does not fail the backup', async () => {
  await withServer(streaming(ndjson([progress('IN-PROGRESS', 5), completed])), async (c) => {
    const b = await c.createStreamed({ onProgress: () => { throw new Error('listener bug'); } });
    assert.ok(b, 'the completed value carried the backup');
    assert.equal(b.id, wireSample.id);
  });
});

test('createStreamed: COMPLETED without a backup resolves null and never guesses from the list', async () => {
  // Regression (issue 8): the client took list()[0] as "the backup just made", which may be
  // another device's, and retention then learned the wrong device name.
  let listed = 0;
  await withServer((req, res) => {
    if (req.url === '/backups') {
      listed++;
      json(res, 200, { iterable: [wireBackupWith('other-device', '2025-01-01T00:00:00Z')] });
    } else streaming(ndjson([progress('IN-PROGRESS', 50), progress('COMPLETED', 100)]))(req, res, '');
  }, async (c) => {
    assert.equal(await c.createStreamed(), null);
    assert.equal(listed, 0, 'the list is not consulted');
  });
});

test('createStreamed: a server that answers one plain Backup counts as completed', async () => {
  await withServer((_req, res) => json(res, 200, wireSample), async (c) => {
    const seen: BackupProgress[] = [];
    const b = await c.createStreamed({ onProgress: (p) => seen.push(p) });
    assert.ok(b, 'the completed value carried the backup');
    assert.equal(b.id, wireSample.id);
    assert.equal(seen[0]?.status, 'COMPLETED');
  });
});

test('createStreamed: unknown status values become UNKNOWN and the stream goes on', async () => {
  await withServer(streaming(ndjson([progress('PAUSED', 20, { extra: 1 }), completed])), async (c) => {
    const seen: BackupProgress[] = [];
    await c.createStreamed({ onProgress: (p) => seen.push(p) });
    assert.equal(seen[0]?.status, 'UNKNOWN');
  });
});

test('createStreamed: FAILED is backup-failed, with the server reason when given', async () => {
  await withServer(streaming(ndjson([progress('IN-PROGRESS', 10), progress('FAILED', 42, { message: 'disk full' })])), async (c) => {
    await rejectsKind(c.createStreamed(), 'backup-failed', /failed at 42% \(disk full\)/);
  });
});

test('createStreamed: CANCELED is canceled', async () => {
  await withServer(streaming(ndjson([progress('IN-PROGRESS', 10), progress('CANCELED', null)])), async (c) => {
    await rejectsKind(c.createStreamed(), 'canceled', /canceled the backup/);
  });
});

test('createStreamed: a stream that ends before a terminal status is connection-lost', async () => {
  await withServer(streaming(ndjson([progress('IN-PROGRESS', 10), progress('IN-PROGRESS', 60)])), async (c) => {
    await rejectsKind(c.createStreamed(), 'connection-lost', /last progress: 60%/);
  });
});

test('createStreamed: a connection dropped mid-stream is connection-lost', async () => {
  await withServer(streaming([...ndjson([progress('IN-PROGRESS', 10)]), '{"status":"IN-PRO'], { end: 'destroy' }), async (c) => {
    await rejectsKind(c.createStreamed(), 'connection-lost');
  });
});

test('createStreamed: silence after some progress is stalled (each byte resets the timer)', async () => {
  // Bytes arrive every 60 ms for ~360 ms, longer than the 150 ms stall limit, and only then stop.
  const pieces = [...ndjson([progress('IN-PROGRESS', 1)]), '{', '"', 's', 't', 'a', 't'];
  await withServer(streaming(pieces, { end: 'hang', gapMs: 60 }), async (c) => {
    const seen: BackupProgress[] = [];
    const started = Date.now();
    await rejectsKind(c.createStreamed({ onProgress: (p) => seen.push(p) }), 'stalled', /sent nothing for 150 ms/);
    assert.equal(seen.length, 1);
    assert.ok(Date.now() - started >= 6 * 60, 'the stall timer was reset by every byte');
  }, { stallTimeoutMs: 150 });
});

test('createStreamed: HTTP errors and malformed values keep their kinds', async () => {
  await withServer((_req, res) => json(res, 401, { message: 'sign in first' }), async (c) => {
    const e = await rejectsKind(c.createStreamed(), 'not-signed-in');
    assert.match(e.detail ?? '', /sign in first/);
  });
  await withServer(streaming(['{"status":"IN-PROGRESS","percentage":"ten"}\n']), async (c) => {
    await rejectsKind(c.createStreamed(), 'bad-response', /percentage/);
  });
  await withServer(streaming(['{"status":"IN-PROGRESS",,}\n']), async (c) => {
    await rejectsKind(c.createStreamed(), 'bad-response', /not valid JSON/);
  });
});

test('an abort through the signal is canceled, before and during the stream', async () => {
  await withServer(streaming(ndjson([progress('IN-PROGRESS', 1)]), { end: 'hang' }), async (c) => {
    const pre = new AbortController();
    pre.abort();
    await rejectsKind(c.list({ signal: pre.signal }), 'canceled');
    const ctl = new AbortController();
    const p = c.createStreamed({ signal: ctl.signal, onProgress: () => ctl.abort() });
    await rejectsKind(p, 'canceled', /was canceled/);
  });
});

test('describeError turns anything into a kind and a sentence', () => {
  assert.deepEqual(describeError(new BackupsApiError('timeout', 'slow.')), { kind: 'timeout', message: 'slow.' });
  assert.equal(describeError(new DOMException('x', 'AbortError')).kind, 'canceled');
  assert.equal(describeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).kind, 'unreachable');
  assert.equal(describeError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })).kind, 'connection-lost');
  const other = describeError('weird');
  assert.equal(other.kind, 'bad-response');
  assert.match(other.message, /weird/);
});
