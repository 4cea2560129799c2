// `liveRunsNow`: PiecesOS's runs in progress, asked once over the live progress WebSocket, against
// real WebSocket servers on loopback: a valid first message, one after junk, no message at all,
// no such WebSocket (404), a server that closes at once. Never a throw, never a socket left open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { liveRunsNow } from '../../main/api/live-runs-now.js';

async function serve(onSocket: ((ws: WebSocket) => void) | null): Promise<{ url: string; open: () => number; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end('not here'));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (onSocket === null || req.url !== '/backups/streamed/progress') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => [...wss.clients].filter((c) => c.readyState === c.OPEN).length,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

test('the first valid message: every backup and restore in progress; the socket is closed after', async (t) => {
  const s = await serve((ws) => {
    ws.send('not json');
    ws.send(JSON.stringify({ backups: 'no' }));
    ws.send(JSON.stringify({ backups: [{ status: 'IN-PROGRESS', percentage: 42 }], restorations: [{ status: 'INITIALIZED' }] }));
  });
  t.after(s.close);
  const runs = await liveRunsNow(s.url, 2000);
  assert.deepEqual(runs, [
    { kind: 'backup', status: 'IN-PROGRESS', percentage: 42 },
    { kind: 'restore', status: 'INITIALIZED', percentage: null },
  ]);
  await settle();
  assert.equal(s.open(), 0, 'the socket was closed');
});

test('nothing in progress is an empty list, not "unknown"', async (t) => {
  const s = await serve((ws) => ws.send(JSON.stringify({ backups: [], restorations: [] })));
  t.after(s.close);
  assert.deepEqual(await liveRunsNow(s.url, 2000), []);
});

test('no message within the wait, no such WebSocket, a server that hangs up, nobody listening: null', async (t) => {
  const silent = await serve(() => undefined);
  t.after(silent.close);
  assert.equal(await liveRunsNow(silent.url, 300), null);
  await settle();
  assert.equal(silent.open(), 0, 'the silent socket was closed after the wait');

  const none = await serve(null);
  t.after(none.close);
  assert.equal(await liveRunsNow(none.url, 2000), null);

  const hangsUp = await serve((ws) => ws.close());
  t.after(hangsUp.close);
  assert.equal(await liveRunsNow(hangsUp.url, 2000), null);

  const gone = await serve(null);
  const url = gone.url;
  await gone.close();
  assert.equal(await liveRunsNow(url, 2000), null);
});
