// BENCH-ONLY FAKE of PiecesOS: just enough of the Backups API (health, version, list, streamed
// create, one backup's metadata and its streamed restore) to send progress values on a schedule
// the benchmark controls, stamping the moment each one is written. A restore here only streams
// progress: there is no local data to replace. The project's emulator paces values by real archiving work and cannot flood
// 10,000 values a second, so the progress benchmarks use this instead. Loopback only. The progress
// section runs it in a process of its own (`fake-pieces-os-child.ts`), as PiecesOS is, so its
// writes are stamped on time whatever the core or Playwright are doing.
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Plan =
  /** One value per `intervalMs`, percentages 1..99, then COMPLETED. */
  | { kind: 'paced'; intervalMs: number }
  /** `perSecond` values a second for `durationMs` (written every 10 ms in batches), then COMPLETED. */
  | { kind: 'flood'; perSecond: number; durationMs: number };

export interface StreamRecord {
  /** Wall-clock ms (timeOrigin + now) each percentage was written, first write wins. */
  sentAt: Map<number, number>;
  values: number;
  firstAt: number;
  lastAt: number;
  /** When COMPLETED was written. */
  completedAt: number;
}

export interface FakePiecesOs {
  url: string;
  plan: Plan;
  /** Resolves when the next streamed create or restore has written COMPLETED. */
  nextStream(): Promise<StreamRecord>;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

function backup(n: number) {
  const t = Date.UTC(2026, 10, 1) + n * 3_600_000;
  return { id: `12.0.0_${t}`, version: '12.0.0', timestamp: String(t), bytes: 1_000_000 + n, created: { value: new Date(t).toISOString() }, device_name: 'bench-fake', platform: 'LINUX' };
}

export async function startFakePiecesOs(): Promise<FakePiecesOs> {
  const made = [backup(0)];
  let waiting: ((r: StreamRecord) => void)[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** Streams progress by `plan`, then COMPLETED with the backup `done()` answers. */
  function stream(res: ServerResponse, plan: Plan, done: () => object): void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    res.socket?.setNoDelay(true);
    const rec: StreamRecord = { sentAt: new Map(), values: 0, firstAt: now(), lastAt: 0, completedAt: 0 };
    const send = (value: object, pct: number | null) => {
      res.write(`${JSON.stringify(value)}\n`);
      const t = now();
      if (pct !== null && !rec.sentAt.has(pct)) rec.sentAt.set(pct, t);
      rec.values++;
      rec.lastAt = t;
    };
    const finish = () => {
      send({ status: 'COMPLETED', percentage: 100, backup: done() }, 100);
      rec.completedAt = now();
      res.end();
      const w = waiting;
      waiting = [];
      for (const resolve of w) resolve(rec);
    };
    send({ status: 'INITIALIZED', percentage: 0 }, 0);
    if (plan.kind === 'paced') {
      let p = 1;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        if (p > 99) {
          clearInterval(timer);
          timers.delete(timer);
          return finish();
        }
        send({ status: 'IN-PROGRESS', percentage: p }, p);
        p++;
      }, plan.intervalMs);
      timers.add(timer);
      return;
    }
    const total = Math.round((plan.perSecond * plan.durationMs) / 1000);
    const start = now();
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      // Catch up to where the clock says we should be, so timer jitter does not lower the rate.
      const due = Math.min(total, Math.round(((now() - start) / plan.durationMs) * total));
      const lines: string[] = [];
      for (; sent < due; sent++) lines.push(JSON.stringify({ status: 'IN-PROGRESS', percentage: Math.round((sent / total) * 99_000) / 1000 }));
      if (lines.length > 0) {
        res.write(`${lines.join('\n')}\n`);
        rec.values += lines.length;
        rec.lastAt = now();
      }
      if (sent >= total) {
        clearInterval(timer);
        timers.delete(timer);
        finish();
      }
    }, 10);
    timers.add(timer);
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    req.resume();
    if (url === '/.well-known/health') return res.end('ok:bench-fake');
    if (url === '/.well-known/version') return res.end('12.0.0-bench-fake');
    if (url === '/backups' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ iterable: [...made].reverse() }));
    }
    if (url === '/backups/create/streamed' && req.method === 'POST') {
      return req.on('end', () => stream(res, fake.plan, () => {
        const b = backup(made.length);
        made.push(b);
        return b;
      }));
    }
    const one = /^\/backup\/([^/]+)(\/restore\/streamed)?$/.exec(url);
    const target = one ? made.find((b) => b.id === decodeURIComponent(one[1]!)) : undefined;
    if (one && target && !one[2] && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(target));
    }
    if (one && target && one[2] && req.method === 'POST') return req.on('end', () => stream(res, fake.plan, () => target));
    if (/^\/backups\/[^/]+\/delete$/.test(url) && req.method === 'POST') {
      res.writeHead(204);
      return res.end();
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'The bench fake does not answer this.' }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakePiecesOs = {
    url: `http://127.0.0.1:${port}`,
    plan: { kind: 'paced', intervalMs: 50 },
    nextStream: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearInterval(t);
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
  return fake;
}
