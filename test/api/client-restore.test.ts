// The client's restore, status and cancel calls against raw loopback servers: every framing, the
// singular /backup/ prefix with ids as one segment, and what an aborted restore reports depending
// on how PiecesOS answered the cancel it sends first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClient, type ClientOptions, type HttpBackupsClient } from '../../main/api/client.js';
import type { BackupProgress } from '../../main/api/wire.js';
import { fromWireBackup, wireBackup } from '../../main/api/wire.js';
import { startServer, wireSample } from './http-fixture.js';
import { rejectsKind } from '../helpers/api-errors.js';
import { until } from '../emulator/helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function withServer(handler: Handler, fn: (c: HttpBackupsClient) => Promise<void>, opts: Partial<ClientOptions> = {}): Promise<void> {
  const srv = await startServer(handler);
  try {
    await fn(createClient({ baseUrl: srv.url, timeoutMs: 2000, stallTimeoutMs: 2000, ...opts }));
  } finally {
    await srv.close();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const sample = fromWireBackup(wireBackup.parse(wireSample));
const ID = '9.0.5_1732612345678';
const value = (status: string, percentage: number | null, extra: Record<string, unknown> = {}) => JSON.stringify({ status, percentage, ...extra });

/** The same progress in every framing a client must accept. */
const FRAMINGS: Record<string, { type: string; body: string[] }> = {
  ndjson: { type: 'application/x-ndjson', body: [value('INITIALIZED', 0), '\n', value('IN-PROGRESS', 40) + '\n' + value('RESET', 0) + '\n', value('IN-PROGRESS', 70) + '\n', value('COMPLETED', 100, { backup: wireSample }), '\n'] },
  sse: { type: 'text/event-stream', body: [`data: ${value('INITIALIZED', 0)}\n\n: keep-alive\n\n`, `data: ${value('IN-PROGRESS', 40)}\n\ndata: ${value('RESET', 0)}\n\n`, `data: ${value('IN-PROGRESS', 70)}\n\n`, `data: ${value('COMPLETED', 100, { backup: wireSample })}\n\n`] },
  concat: { type: 'application/json', body: [value('INITIALIZED', 0), value('IN-PROGRESS', 40), value('RESET', 0) + value('IN-PROGRESS', 70), value('COMPLETED', 100, { backup: wireSample })] },
};

for (const [name, framing] of Object.entries(FRAMINGS)) {
  test(`restoreStreamed (${name}) posts the Backup to /backup/{id}/restore/streamed, reports every value, RESET too, and resolves with the restored backup`, async () => {
    const seen: { url: string; method: string; body: string }[] = [];
    await withServer((req, res, body) => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', body });
      res.writeHead(200, { 'content-type': framing.type });
      const parts = [...framing.body];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) return void res.end();
        // Split inside a value too: chunk boundaries fall anywhere.
        const cut = Math.floor(part.length / 2);
        res.write(part.slice(0, cut));
        setTimeout(() => {
          res.write(part.slice(cut));
          setTimeout(next, 5);
        }, 5);
      };
      next();
    }, async (c) => {
      const progress: BackupProgress[] = [];
      const restored = await c.restoreStreamed(ID, sample, { onProgress: (p) => progress.push(p) });
      assert.deepEqual(restored, sample);
      assert.deepEqual(progress.map((p) => [p.status, p.percentage]), [['INITIALIZED', 0], ['IN-PROGRESS', 40], ['RESET', 0], ['IN-PROGRESS', 70], ['COMPLETED', 100]]);
    });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.url, `/backup/${ID}/restore/streamed`);
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), wireSample);
  });
}

test('restoreStreamed accepts a server that does not stream (one Backup, or one COMPLETED value) and COMPLETED without the backup is null', async () => {
  for (const [answer, expected] of [[wireSample, sample], [{ status: 'COMPLETED', percentage: 100, backup: wireSample }, sample], [{ status: 'COMPLETED', percentage: 100 }, null]] as const) {
    await withServer((_req, res) => json(res, 200, answer), async (c) => {
      assert.deepEqual(await c.restoreStreamed(ID), expected);
    });
  }
});

test('every /backup/{id} call puts the id in one percent-encoded segment; "", "." and ".." are refused before anything is sent', async () => {
  const urls: string[] = [];
  const id = 'a/b?c#d%e f ü';
  await withServer((req, res) => {
    urls.push(`${req.method} ${req.url}`);
    if (req.url?.endsWith('/status')) return json(res, 200, { value: 'IN-PROGRESS', percentage: 5, backup: wireSample });
    if (req.url?.endsWith('/cancel')) return void res.writeHead(204).end();
    if (req.url?.endsWith('/streamed')) return json(res, 200, { status: 'COMPLETED', percentage: 100, backup: wireSample });
    json(res, 200, wireSample);
  }, async (c) => {
    await c.get(id);
    await c.restore(id);
    await c.restoreStreamed(id);
    await c.restorationStatus(id);
    await c.cancelRestoration(id);
    await c.creationStatus(id);
    await c.cancelCreation(id);
    for (const bad of ['', '.', '..']) {
      await rejectsKind(c.get(bad), 'bad-response', /cannot be put in a URL/);
      await rejectsKind(c.restoreStreamed(bad), 'bad-response', /cannot be restored/);
      await rejectsKind(c.cancelRestoration(bad), 'bad-response', /cannot be canceled/);
    }
  });
  const enc = encodeURIComponent(id);
  assert.deepEqual(urls, [
    `GET /backup/${enc}`, `POST /backup/${enc}/restore`, `POST /backup/${enc}/restore/streamed`, `GET /backup/${enc}/restoration/status`,
    `POST /backup/${enc}/restoration/cancel`, `GET /backup/${enc}/creation/status`, `POST /backup/${enc}/creation/cancel`,
  ]);
});

test('get answers the backup; 404 is kind http, status 404, saying there is no such backup', async () => {
  await withServer((req, res) => (req.url === `/backup/${ID}` ? json(res, 200, { ...wireSample, extra: true }) : json(res, 404, { message: 'Backup not found' })), async (c) => {
    assert.deepEqual(await c.get(ID), sample);
    const e = await rejectsKind(c.get('nope'), 'http', /There is no backup with id "nope"/);
    assert.equal(e.status, 404);
  });
});

test('restore (not streamed) posts the Backup and answers the restored one; a wrong shape is bad-response; a body over maxBodyBytes is refused', async () => {
  const bodies: string[] = [];
  let answer: unknown = wireSample;
  await withServer((req, res, body) => {
    bodies.push(`${req.method} ${req.url} ${body}`);
    json(res, 200, answer);
  }, async (c) => {
    assert.deepEqual(await c.restore(ID, sample), sample);
    assert.equal(bodies[0], `POST /backup/${ID}/restore ${JSON.stringify(wireSample)}`);
    answer = { ...wireSample, bytes: 'lots' };
    await rejectsKind(c.restore(ID), 'bad-response', /the restored backup in an unexpected shape \(bytes/);
    answer = { ...wireSample, padding: 'x'.repeat(4096) };
    await rejectsKind(c.restore(ID), 'bad-response', /larger than 1 KiB/);
  }, { maxBodyBytes: 1024 });
});

test('restorationStatus and creationStatus validate BackupStatus into {status, percentage, backup}; unknown values are UNKNOWN; a missing backup is bad-response', async () => {
  let answer: unknown = { value: 'IN-PROGRESS', percentage: 42.5, backup: wireSample, surprise: 1 };
  await withServer((_req, res) => json(res, 200, answer), async (c) => {
    assert.deepEqual(await c.restorationStatus(ID), { status: 'IN-PROGRESS', percentage: 42.5, backup: sample });
    answer = { value: 'SOMETHING-NEW', backup: wireSample };
    assert.deepEqual(await c.creationStatus(ID), { status: 'UNKNOWN', percentage: null, backup: sample });
    answer = { value: 'COMPLETED', percentage: 100 };
    await rejectsKind(c.restorationStatus(ID), 'bad-response', /a restoration status in an unexpected shape \(backup/);
    await rejectsKind(c.creationStatus(ID), 'bad-response', /a creation status in an unexpected shape/);
  });
});

test('cancelRestoration and cancelCreation: any 2xx is success; 500 (nothing in progress) is kind http saying so; 401 is not-signed-in', async () => {
  let status = 200;
  await withServer((_req, res) => {
    if (status < 300) return void res.writeHead(status).end(status === 200 ? 'ok' : undefined);
    json(res, status, { message: 'No restoration in progress' });
  }, async (c) => {
    for (status of [200, 202, 204]) {
      await c.cancelRestoration(ID);
      await c.cancelCreation(ID);
    }
    status = 500;
    const r = await rejectsKind(c.cancelRestoration(ID), 'http', /did not cancel the restore \(HTTP 500: No restoration in progress\); it answers that when no restore is in progress\. Check the restoration status/);
    assert.equal(r.status, 500);
    await rejectsKind(c.cancelCreation(ID), 'http', /did not cancel the backup \(HTTP 500: .*\); it answers that when no backup is in progress\. Check the creation status/);
    status = 401;
    await rejectsKind(c.cancelCreation(ID), 'not-signed-in', /Sign in to Pieces/);
  });
});

/**
 * A server whose streamed restore sends one value and then stays open; `onCancel` decides how it
 * answers POST /restoration/cancel. It records the order of events: the cancel must arrive while
 * the stream is still open.
 */
function cancelServer(onCancel: (res: ServerResponse, stream: ServerResponse) => void) {
  const events: string[] = [];
  let stream: ServerResponse | null = null;
  const handler: Handler = (req, res) => {
    if (req.url === `/backup/${ID}/restore/streamed`) {
      stream = res;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(value('IN-PROGRESS', 30) + '\n');
      res.on('close', () => events.push('stream closed'));
      return;
    }
    if (req.url === `/backup/${ID}/restoration/cancel` && req.method === 'POST') {
      events.push(stream !== null && !stream.destroyed ? 'cancel while streaming' : 'cancel after the stream closed');
      if (stream !== null) onCancel(res, stream);
      return;
    }
    json(res, 404, { message: 'no such route' });
  };
  return { events, handler };
}

/** Starts a streamed restore and aborts it once the first value has arrived. */
function abortAfterFirstValue(c: HttpBackupsClient): Promise<unknown> {
  const ac = new AbortController();
  return c.restoreStreamed(ID, sample, { signal: ac.signal, onProgress: () => ac.abort() });
}

test('aborting a streamed restore sends restoration/cancel first, then closes the stream; a 2xx is a confirmed cancel', async () => {
  const { events, handler } = cancelServer((res) => setTimeout(() => res.writeHead(204).end(), 50));
  await withServer(handler, async (c) => {
    const e = await rejectsKind(abortAfterFirstValue(c), 'canceled', /PiecesOS confirmed it and put the original data back/);
    assert.equal(e.cancelConfirmed, true);
    assert.deepEqual(e.toJSON(), { kind: 'canceled', message: e.message, cancelConfirmed: true });
  });
  // The server notices the closed stream a moment after the client let go of it.
  await until(() => events.length >= 2);
  assert.deepEqual(events.slice(0, 2), ['cancel while streaming', 'stream closed']);
});

test('a cancel answered 500 is not confirmed: the restore was stopped, PiecesOS did not confirm (what it said), and what to check', async () => {
  const { events, handler } = cancelServer((res) => json(res, 500, { message: 'No restoration in progress' }));
  await withServer(handler, async (c) => {
    const e = await rejectsKind(abortAfterFirstValue(c), 'canceled',
      /stopped, but PiecesOS did not confirm the cancel \(it answered HTTP 500: No restoration in progress\); open Pieces to check your data, and check the restoration status/);
    assert.equal(e.cancelConfirmed, false);
  });
  // The server notices the closed stream a moment after the client let go of it.
  await until(() => events.length >= 2);
  assert.deepEqual(events.slice(0, 2), ['cancel while streaming', 'stream closed']);
});

test('a cancel that gets no answer within cancelTimeoutMs is not confirmed, and the abort still ends the call', async () => {
  const { handler } = cancelServer(() => { /* never answers */ });
  await withServer(handler, async (c) => {
    const e = await rejectsKind(abortAfterFirstValue(c), 'canceled', /did not confirm the cancel \(it did not answer within 200 ms\)/);
    assert.equal(e.cancelConfirmed, false);
  }, { cancelTimeoutMs: 200 });
});

test('PiecesOS reporting CANCELED in the stream confirms the cancel; reporting it on its own is canceled, confirmed, without any cancel sent', async () => {
  const { events, handler } = cancelServer((res, stream) => {
    stream.end(value('CANCELED', 30) + '\n');
    json(res, 500, { message: 'already canceled' });
  });
  await withServer(handler, async (c) => {
    const e = await rejectsKind(abortAfterFirstValue(c), 'canceled', /confirmed it and put the original data back/);
    assert.equal(e.cancelConfirmed, true);
  });
  assert.equal(events[0], 'cancel while streaming');

  let cancels = 0;
  await withServer((req, res) => {
    if (req.url?.endsWith('/cancel')) cancels++;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(value('IN-PROGRESS', 10) + '\n' + value('CANCELED', 10) + '\n');
  }, async (c) => {
    const e = await rejectsKind(c.restoreStreamed(ID), 'canceled', /PiecesOS canceled the restore before it finished and put the original data back/);
    assert.equal(e.cancelConfirmed, true);
  });
  assert.equal(cancels, 0);
});

test('a restore that COMPLETED while the cancel was on its way is reported as completed: that backup is in place', async () => {
  const { handler } = cancelServer((res, stream) => {
    stream.end(value('COMPLETED', 100, { backup: wireSample }) + '\n');
    setTimeout(() => json(res, 500, { message: 'No restoration in progress' }), 20);
  });
  await withServer(handler, async (c) => {
    const ac = new AbortController();
    const restored = await c.restoreStreamed(ID, sample, { signal: ac.signal, onProgress: (p) => { if (p.status === 'IN-PROGRESS') ac.abort(); } });
    assert.deepEqual(restored, sample);
  });
});

test('an already aborted signal starts nothing and says the data is unchanged', async () => {
  let requests = 0;
  await withServer((_req, res) => {
    requests++;
    json(res, 200, wireSample);
  }, async (c) => {
    const e = await rejectsKind(c.restoreStreamed(ID, sample, { signal: AbortSignal.abort() }), 'canceled', /before it started; your Pieces data is unchanged/);
    assert.equal(e.cancelConfirmed, true);
  });
  assert.equal(requests, 0);
});

test('a restore stream that fails, stalls, stands still or ends early says "restore" and where to look', async () => {
  // FAILED with a reason.
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(value('IN-PROGRESS', 20) + '\n' + value('FAILED', 20, { message: 'disk full' }) + '\n');
  }, async (c) => {
    await rejectsKind(c.restoreStreamed(ID), 'backup-failed', /the restore failed at 20% \(disk full\)/);
  });
  // Silence: the stall timer.
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(value('IN-PROGRESS', 20) + '\n');
  }, async (c) => {
    await rejectsKind(c.restoreStreamed(ID), 'stalled', /sent nothing for 300 ms during the restore; it may still finish, so check the restoration status/);
  }, { stallTimeoutMs: 300 });
  // The same value over and over: the no-progress timer.
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const timer = setInterval(() => res.write(value('IN-PROGRESS', 20) + '\n'), 20);
    res.on('close', () => clearInterval(timer));
  }, async (c) => {
    await rejectsKind(c.restoreStreamed(ID, undefined, { noProgressTimeoutMs: 300 }), 'stalled', /no progress for 300 ms \(stuck at 20%\); it may still finish, so check the restoration status/);
  });
  // The body ends without a terminal value.
  await withServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(value('IN-PROGRESS', 60) + '\n');
  }, async (c) => {
    await rejectsKind(c.restoreStreamed(ID), 'connection-lost', /ended before the restore finished \(last progress: 60%\); check the restoration status/);
  });
});

test('a refused restore keeps the create\'s error kinds: 409 is http with the server\'s words, 401 is not-signed-in', async () => {
  let status = 409;
  await withServer((_req, res) => json(res, status, { message: 'A backup is being made; wait for it to finish.' }), async (c) => {
    const e = await rejectsKind(c.restoreStreamed(ID), 'http', /HTTP 409: A backup is being made/);
    assert.equal(e.status, 409);
    status = 401;
    await rejectsKind(c.restore(ID), 'not-signed-in');
  });
});

test('aborting a plain restore sends restoration/cancel too, before the request is dropped', async () => {
  const events: string[] = [];
  let pending: ServerResponse | null = null;
  await withServer((req, res) => {
    if (req.url === `/backup/${ID}/restore`) {
      pending = res;
      res.on('close', () => events.push('restore closed'));
      return;
    }
    events.push(pending !== null && !pending.destroyed ? 'cancel while restoring' : 'cancel after');
    res.writeHead(204).end();
  }, async (c) => {
    const ac = new AbortController();
    const run = c.restore(ID, sample, { signal: ac.signal });
    await until(() => pending !== null);
    ac.abort();
    const e = await rejectsKind(run, 'canceled', /PiecesOS confirmed it/);
    assert.equal(e.cancelConfirmed, true);
    await until(() => events.length >= 2);
  });
  assert.deepEqual(events, ['cancel while restoring', 'restore closed']);
});
