// The client against servers that answer badly on purpose (issue 8): oversized bodies, streams
// kept "alive" by bytes that carry nothing, progress that never moves, absurd nesting and
// numbers. Every case must end in one BackupsApiError of the right kind, and nothing uncaught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createClient, type ClientOptions, type HttpBackupsClient } from '../../main/api/client.js';
import type { BackupProgress } from '../../main/api/wire.js';
import { startServer, streaming, wireSample, type Handler } from './http-fixture.js';
import { rejectsKind } from '../helpers/api-errors.js';

async function withServer(handler: Handler, fn: (c: HttpBackupsClient) => Promise<void>, opts: Omit<ClientOptions, 'baseUrl'> = {}): Promise<void> {
  const srv = await startServer(handler);
  const client = createClient({ baseUrl: srv.url, timeoutMs: 5000, stallTimeoutMs: 5000, ...opts });
  try {
    await fn(client);
  } finally {
    client.close();
    await srv.close();
  }
}

/** Writes `first`, then `filler` every `gapMs` until the client goes away. */
function trickle(first: string, filler: string, opts: { gapMs?: number; contentType?: string } = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': opts.contentType ?? 'application/x-ndjson' });
    res.write(first);
    const timer = setInterval(() => {
      if (res.destroyed) clearInterval(timer);
      else res.write(filler);
    }, opts.gapMs ?? 20);
    res.on('close', () => clearInterval(timer));
  };
}

/** Tracks one response on the server side: resolves `left` when the client hangs up early. */
function hangUpWatch(): { written: number; left: Promise<void>; watch(res: ServerResponse): void } {
  let resolveLeft = (): void => {};
  return {
    written: 0,
    left: new Promise<void>((resolve) => {
      resolveLeft = resolve;
    }),
    watch(res) {
      res.on('close', () => {
        if (!res.writableFinished) resolveLeft();
      });
    },
  };
}

/** Waits until the client has hung up on the server, failing (not hanging) if it never does. */
async function clientHungUp(report: { left: Promise<void> }): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const never = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error('the client did not drop the connection')), 5000);
  });
  try {
    await Promise.race([report.left, never]);
  } finally {
    clearTimeout(timer);
  }
}

/** Streams a JSON array of backups, generated on the fly, up to `totalBytes` (no Content-Length),
 * honouring back-pressure, and counts the bytes it managed to write. */
function hugeList(totalBytes: number, report: ReturnType<typeof hangUpWatch>): Handler {
  const item = JSON.stringify(wireSample);
  const block = Buffer.from(Array.from({ length: 2000 }, () => item).join(',') + ',');
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    report.watch(res);
    res.write('{"iterable":[');
    const pump = (): void => {
      while (!res.destroyed) {
        if (report.written + block.length > totalBytes) {
          res.end(`${item}]}`);
          return;
        }
        report.written += block.length;
        if (!res.write(block)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

const MiB = 1024 * 1024;

test('a JSON body over the default 128 MiB is bad-response, read over loopback without taking it all', { timeout: 120_000 }, async () => {
  // Regression (issue 8): a 600 MB list threw ERR_STRING_TOO_LONG uncaught.
  const report = hangUpWatch();
  await withServer(hugeList(600 * MiB, report), async (c) => {
    await rejectsKind(c.list(), 'bad-response', /backup list larger than 128 MiB/);
    await clientHungUp(report);
  }, { timeoutMs: 60_000 });
  assert.ok(report.written < 600 * MiB, `the server could not send it all (${report.written} bytes written)`);
});

test('maxBodyBytes: a body without Content-Length is counted while it arrives and refused at the limit', async () => {
  const report = hangUpWatch();
  await withServer(hugeList(50 * MiB, report), async (c) => {
    const e = await rejectsKind(c.list(), 'bad-response', /backup list larger than 64 KiB/);
    assert.match(e.message, /check that the address points to PiecesOS/);
    await clientHungUp(report);
  }, { maxBodyBytes: 64 * 1024 });
  assert.ok(report.written < 50 * MiB, 'the server could not send it all');
});

test('maxBodyBytes: a Content-Length over the limit is refused up front, naming the size', async () => {
  const report = hangUpWatch();
  await withServer((_req, res) => {
    // Announces 600 MiB, sends a little, then waits: only the header can tell.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * MiB) });
    report.watch(res);
    res.write('{"iterable":[');
  }, async (c) => {
    await rejectsKind(c.create(), 'bad-response', /a new backup of 600 MiB, larger than 128 MiB/);
    await clientHungUp(report);
  }, { timeoutMs: 3000 });
});

test('maxBodyBytes: a body within the limit is read as before', async () => {
  await withServer((_req, res) => {
    const body = JSON.stringify({ iterable: [wireSample] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, async (c) => {
    assert.deepEqual((await c.list()).map((b) => b.id), [wireSample.id]);
  }, { maxBodyBytes: 4096 });
});

const inProgress42 = '{"status":"IN-PROGRESS","percentage":42}\n';

test('createStreamed: whitespace, separators and SSE comments do not keep a silent stream alive', { timeout: 20_000 }, async () => {
  // Regression (issue 8): a server trickling newlines or keep-alive comments was never stalled.
  const cases: [string, Handler][] = [
    ['newlines', trickle(inProgress42, '\n')],
    ['spaces and CRLF', trickle(inProgress42, ' \r\n\t')],
    ['commas and record separators', trickle(inProgress42, ',\u001e')],
    ['SSE comments', trickle(`data: ${inProgress42}\n`, ': keep-alive\n\n', { contentType: 'text/event-stream' })],
    ['SSE event lines without data', trickle(`data: ${inProgress42}\n`, 'event: ping\nid: 7\n\n', { contentType: 'text/event-stream' })],
    ['SSE empty data lines', trickle(`data: ${inProgress42}\n`, 'data:   \n\n', { contentType: 'text/event-stream' })],
    ['whitespace before the first value', trickle('\n', '\n')],
  ];
  for (const [name, handler] of cases) {
    await withServer(handler, async (c) => {
      await rejectsKind(c.createStreamed(), 'stalled', /sent nothing for 300 ms/);
    }, { stallTimeoutMs: 300 });
    assert.ok(true, name);
  }
});

test('createStreamed: an SSE data line arriving slowly counts as life', { timeout: 20_000 }, async () => {
  const value = `data: ${JSON.stringify({ status: 'COMPLETED', percentage: 100, backup: wireSample })}\n\n`;
  const pieces = value.match(/[^]{1,40}/g) ?? [];
  await withServer(streaming(pieces, { contentType: 'text/event-stream', gapMs: 60, end: 'hang' }), async (c) => {
    // Longer in total than the stall limit, but never silent for that long.
    assert.ok(pieces.length * 60 > 300);
    const b = await c.createStreamed();
    assert.equal(b?.id, wireSample.id);
  }, { stallTimeoutMs: 300 });
});

test('createStreamed: the same status and percentage over and over ends as stalled after the no-progress limit', { timeout: 20_000 }, async () => {
  // Regression (issue 8): {"status":"IN-PROGRESS","percentage":42} repeated forever never ended.
  await withServer(trickle(inProgress42, inProgress42), async (c) => {
    const seen: BackupProgress[] = [];
    const e = await rejectsKind(c.createStreamed({ onProgress: (p) => seen.push(p) }), 'stalled', /reported no progress for 400 ms \(stuck at 42%\); it may still finish, so check the backup list before trying again\./);
    assert.ok(seen.length > 3, 'the repeats did count as life for the silence timer');
    assert.doesNotMatch(e.message, /\.\./);
  }, { stallTimeoutMs: 200, noProgressTimeoutMs: 400 });
});

test('createStreamed: noProgressTimeoutMs per call overrides the client option', { timeout: 20_000 }, async () => {
  await withServer(trickle(inProgress42, inProgress42), async (c) => {
    await rejectsKind(c.createStreamed({ noProgressTimeoutMs: 300 }), 'stalled', /no progress for 300 ms/);
  }, { stallTimeoutMs: 200, noProgressTimeoutMs: 600_000 });
});

test('createStreamed: progress that keeps moving outlives the no-progress limit', async () => {
  const values = Array.from({ length: 30 }, (_, i) => JSON.stringify({ status: 'IN-PROGRESS', percentage: i * 3 }) + '\n');
  values.push(JSON.stringify({ status: 'COMPLETED', percentage: 100, backup: wireSample }) + '\n');
  await withServer(streaming(values, { gapMs: 20, end: 'hang' }), async (c) => {
    const b = await c.createStreamed({ noProgressTimeoutMs: 150 });
    assert.equal(b?.id, wireSample.id);
  });
});

test('createStreamed: a 400 KB nested array is bad-response, not connection-lost', async () => {
  // Regression (issue 8): handling it recursed into a RangeError that was reported as a lost
  // connection (and so retried).
  const nested = '['.repeat(200_000) + ']'.repeat(200_000);
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(nested + '\n');
  }, async (c) => {
    await rejectsKind(c.createStreamed(), 'bad-response');
  });
});

test('createStreamed: a percentage of 1e400 or out of 0–100 does not fail the backup', async () => {
  // Regression (issue 8): JSON.parse gives Infinity, which the schema refused: bad-response.
  const body = [
    '{"status":"IN-PROGRESS","percentage":1e400}',
    '{"status":"IN-PROGRESS","percentage":-1e400}',
    '{"status":"IN-PROGRESS","percentage":150}',
    '{"status":"IN-PROGRESS","percentage":-3}',
    '{"status":"IN-PROGRESS","percentage":12.5}',
    JSON.stringify({ status: 'COMPLETED', percentage: 100, backup: wireSample }),
  ].join('\n');
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(body);
  }, async (c) => {
    const seen: (number | null)[] = [];
    const b = await c.createStreamed({ onProgress: (p) => seen.push(p.percentage) });
    assert.equal(b?.id, wireSample.id);
    assert.deepEqual(seen, [null, null, 100, 0, 12.5, 100]);
  });
});

test('createStreamed: a FAILED value with an absurd percentage still says failed, without it', async () => {
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end('{"status":"FAILED","percentage":1e400}\n');
  }, async (c) => {
    const e = await rejectsKind(c.createStreamed(), 'backup-failed', /reported that the backup failed;/);
    assert.doesNotMatch(e.message, /Infinity/);
  });
});

test('list and create: a body nested absurdly deep is bad-response', async () => {
  const nested = '['.repeat(500_000) + ']'.repeat(500_000);
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"iterable":${nested}}`);
  }, async (c) => {
    await rejectsKind(c.list(), 'bad-response', /unexpected shape/);
    await rejectsKind(c.create(), 'bad-response', /unexpected shape/);
  });
});

test('the no-progress sentence at the default limit says minutes and where it stuck', async () => {
  const { noProgressSentence } = await import('../../main/api/error-mapping.js');
  const { DEFAULT_NO_PROGRESS_TIMEOUT_MS } = await import('../../main/api/client.js');
  assert.equal(
    noProgressSentence(DEFAULT_NO_PROGRESS_TIMEOUT_MS, { status: 'IN-PROGRESS', percentage: 42 }),
    'PiecesOS reported no progress for 10 minutes (stuck at 42%); it may still finish, so check the backup list before trying again.',
  );
  assert.match(noProgressSentence(60_000, { status: 'INITIALIZED', percentage: null }), /for 1 minute \(stuck at INITIALIZED\);/);
  assert.match(noProgressSentence(90_000, null), /for 90 s; it may/);
});

test('a huge timeout setting means "very long", not "at once" (setTimeout would overflow to 1 ms)', async () => {
  const huge = 2 ** 33;
  const values = [...Array.from({ length: 5 }, (_, i) => JSON.stringify({ status: 'IN-PROGRESS', percentage: i * 20 }) + '\n'), JSON.stringify({ status: 'COMPLETED', percentage: 100, backup: wireSample }) + '\n'];
  await withServer((req, res) => {
    if (req.url === '/backups') {
      setTimeout(() => res.end(JSON.stringify({ iterable: [wireSample] })), 30);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let i = 0;
    const next = (): void => {
      const v = values[i++];
      if (v === undefined || res.destroyed) return;
      res.write(v);
      setTimeout(next, 30);
    };
    setTimeout(next, 30);
  }, async (c) => {
    assert.equal((await c.list()).length, 1);
    assert.equal((await c.createStreamed())?.id, wireSample.id);
  }, { timeoutMs: huge, stallTimeoutMs: huge, noProgressTimeoutMs: huge });
});
