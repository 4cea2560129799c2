// The daemon against the real emulator over loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { startEmulator } from '../../emulator/server.js';
import { runDaemon } from '../../main/daemon/daemon.js';
import { openHistory } from '../../main/engine/history.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const withDirs = (fn: (dir: string) => Promise<void>) => withTempDir('daemon', fn);

/** A daily cron (6 fields) that fires once, `inMs` from now: schedules firing more often than every
 * 5 minutes are refused, so a test waits for one exact time of day instead. */
function cronAt(inMs: number): string {
  const d = new Date(Date.now() + inMs);
  return `${d.getSeconds()} ${d.getMinutes()} ${d.getHours()} * * *`;
}

test('a scheduled backup happens (--schedule override, JSON lines)', { timeout: 30_000 }, () =>
  withDirs(async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
    try {
      const lines: string[] = [];
      const ac = new AbortController();
      const running = runDaemon({ configDir: join(dir, 'cfg'), url: emu.url, json: true, schedule: cronAt(3000), out: (l) => lines.push(l), signal: ac.signal });
      const events = () => lines.map((l) => JSON.parse(l) as { event: string; entry?: { trigger: string; result: string } });
      await waitFor(() => events().some((e) => e.event === 'run' && e.entry?.trigger === 'scheduled' && e.entry.result === 'completed'), 'a scheduled backup', 20_000);
      ac.abort();
      assert.equal(await running, 0);
      const ev = events();
      assert.equal(ev[0]!.event, 'start');
      assert.equal(ev.at(-1)!.event, 'stopped');
      const history = await openHistory(join(dir, 'cfg')).list();
      assert.ok(history.some((e) => e.trigger === 'scheduled' && e.result === 'completed' && e.backupId));
    } finally {
      await emu.close();
    }
  }));

test('SIGTERM mid-backup: the stream is aborted, the run recorded canceled, exit 0 within 5 s', { timeout: 30_000 }, () =>
  withDirs(async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), bytesPerSecond: 100_000, log: () => undefined });
    try {
      const cfg = join(dir, 'cfg');
      // A daily schedule set long ago: the daemon catches up at once.
      await mkdir(cfg, { recursive: true });
      await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
      const daemonUrl = new URL('../../main/daemon/daemon.ts', import.meta.url).href;
      const script = `import { runDaemon } from ${JSON.stringify(daemonUrl)};
        const ac = new AbortController();
        for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => ac.abort());
        process.exitCode = await runDaemon({ configDir: ${JSON.stringify(cfg)}, url: ${JSON.stringify(emu.url)}, json: true, signal: ac.signal });`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      await waitFor(() => /"event":"progress"/.test(out), 'a backup in progress', 20_000);
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      assert.equal(code, 0);
      const history = await openHistory(cfg).list();
      assert.equal(history[0]?.result, 'canceled', JSON.stringify(history));
      assert.match(out, /"event":"stopped"/);
    } finally {
      await emu.close();
    }
  }));
