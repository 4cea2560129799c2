// The daemon as people run it (the built `pieces-backup daemon`): it honours --timeout, stops
// promptly on SIGTERM whatever it is waiting on, and its log lines read as sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { startCli, jsonLines, type CliRun } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { startEmulator } from '../../emulator/server.js';
import { openHistory } from '../../main/engine/history.js';
import { never, startHostileServer } from '../cli/hostile-server.js';
import { DEFAULT_PORTS } from '../../main/api/discovery.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: the daemon must stop within 5 s of SIGTERM; the bound leaves room for a loaded machine. */
const STOP_BOUND_MS = 5000;

/** A settings folder whose daily schedule was set long ago, so the daemon catches up at once
 * (or, with catchUp false, has nothing to do until tomorrow). */
async function configFolder(dir: string, name: string, catchUp: boolean): Promise<string> {
  const cfg = join(dir, name);
  await mkdir(cfg, { recursive: true });
  await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z', catchUp }));
  return cfg;
}

interface Daemon {
  out(): string;
  stop(): Promise<{ run: CliRun; ms: number }>;
}

function startDaemon(args: string[], env: Record<string, string | undefined> = {}): Daemon {
  const { child, done } = startCli([...args, 'daemon'], env);
  let out = '';
  child.stdout!.on('data', (d: Buffer | string) => (out += String(d)));
  return {
    out: () => out,
    async stop() {
      const t0 = Date.now();
      child.kill('SIGTERM');
      const run = await done;
      return { run, ms: Date.now() - t0 };
    },
  };
}

function assertPromptStop(r: { run: CliRun; ms: number }, phase: string): void {
  assert.ok(r.ms < STOP_BOUND_MS, `${phase}: the daemon took ${r.ms} ms to stop after SIGTERM`);
  assert.equal(r.run.code, 0, `${phase}: ${r.run.stdout}${r.run.stderr}`);
  assert.match(r.run.stdout, /"event":"stopped"/, phase);
}

test('SIGTERM at start-up, against a server that accepts and never answers: the daemon exits within 5 s', { timeout: 60_000 }, () =>
  withTempDir('daemon-hang-start', async (dir) => {
    const srv = await startHostileServer({}, never);
    try {
      const cfg = await configFolder(dir, 'cfg', false);
      const d = startDaemon(['--url', srv.url, '--config-dir', cfg, '--json']);
      // Whatever it waits on first (the list, the device, the engine), it is waiting on it now.
      await waitFor(() => srv.seen.length > 0 || /"event":"start"/.test(d.out()), 'the daemon to start', 15_000);
      await new Promise((r) => setTimeout(r, 300));
      assertPromptStop(await d.stop(), 'start-up');
    } finally {
      await srv.close();
    }
  }));

test('SIGTERM with a backup in flight against a server that never answers: exits within 5 s, run recorded canceled', { timeout: 60_000 }, () =>
  withTempDir('daemon-hang-backup', async (dir) => {
    const srv = await startHostileServer({}, never);
    try {
      const cfg = await configFolder(dir, 'cfg', true);
      const d = startDaemon(['--url', srv.url, '--config-dir', cfg, '--json']);
      await waitFor(() => srv.seen.includes('POST /backups/create/streamed'), 'the catch-up backup to be sent', 15_000);
      const r = await d.stop();
      assertPromptStop(r, 'backup in flight');
      const history = await openHistory(cfg).list();
      assert.equal(history[0]?.result, 'canceled', JSON.stringify(history));
    } finally {
      await srv.close();
    }
  }));

test('SIGTERM while discovering PiecesOS (a port of the scan accepts and never answers): exits within 5 s', { timeout: 60_000 }, async (t) => {
  // Occupy the first free port of the scan with a server that never answers.
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  for (const port of DEFAULT_PORTS) {
    const s = createServer((sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      server = s;
      break;
    }
  }
  if (server === null) return t.skip('every port of the discovery scan is taken on this machine');
  let connections = 0;
  server.on('connection', () => connections++);
  try {
    await withTempDir('daemon-hang-discovery', async (dir) => {
      const cfg = await configFolder(dir, 'cfg', true);
      const d = startDaemon(['--config-dir', cfg, '--json']);
      await waitFor(() => connections > 0, 'discovery to probe the silent port', 15_000);
      assertPromptStop(await d.stop(), 'discovery');
    });
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
});

test('daemon --timeout bounds its requests: a server that never answers fails the run as a timeout, not after 30 s', { timeout: 60_000 }, () =>
  withTempDir('daemon-timeout', async (dir) => {
    const srv = await startHostileServer({}, never);
    try {
      const cfg = await configFolder(dir, 'cfg', true);
      const d = startDaemon(['--url', srv.url, '--config-dir', cfg, '--json', '--timeout', '1']);
      const failed = () => jsonLines(d.out()).find((e) => e.event === 'run' && (e.entry as { result: string }).result === 'failed');
      await waitFor(() => failed() !== undefined, 'the catch-up backup to time out', 10_000);
      assert.equal((failed()!.entry as { error: { kind: string } }).error.kind, 'timeout');
      await d.stop();
    } finally {
      await srv.close();
    }
  }));

test('daemon --timeout bounds the silence of a stream: a stalled backup fails as stalled', { timeout: 60_000 }, () =>
  withTempDir('daemon-stall', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), faults: { stallAtPercent: 20 }, log: () => undefined });
    try {
      const cfg = await configFolder(dir, 'cfg', true);
      const d = startDaemon(['--url', emu.url, '--config-dir', cfg, '--json', '--timeout', '1']);
      const failed = () => jsonLines(d.out()).find((e) => e.event === 'run' && (e.entry as { result: string }).result === 'failed');
      await waitFor(() => failed() !== undefined, 'the stalled backup to fail', 15_000);
      assert.equal((failed()!.entry as { error: { kind: string } }).error.kind, 'stalled');
      await d.stop();
    } finally {
      await emu.close();
    }
  }));

test('a failed run and its retry read as sentences: "…try again later. Retrying at <time>."', { timeout: 60_000 }, () =>
  withTempDir('daemon-sentence', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), faults: { serverError: true }, log: () => undefined });
    try {
      const cfg = await configFolder(dir, 'cfg', true);
      for (const json of [false, true]) {
        const d = startDaemon(['--url', emu.url, '--config-dir', cfg, ...(json ? ['--json'] : [])]);
        await waitFor(() => /etrying at/.test(d.out()), 'a failed run with a retry', 15_000);
        await d.stop();
        const line = d.out().split('\n').find((l) => /etrying at/.test(l))!;
        assert.doesNotMatch(line, /[.!?];/, line);
        assert.match(line, /try again later\. Retrying at \d{4}-\d\d-\d\d \d\d:\d\d\./, line);
      }
    } finally {
      await emu.close();
    }
  }));
