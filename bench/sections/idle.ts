// 5. Idle: the headless daemon with a daily schedule, left alone for 60 s (10 s with --quick):
// timer callbacks that fire, context switches, CPU time and resident memory, beside an idle
// `node -e "setInterval(() => {}, 2**31 - 1)"` measured the same way over the same window.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Row, Section } from '../types.js';
import { emulatorWith } from './emulator.js';
import { createServer } from 'node:net';

/** A loopback address where nothing listens (a port bound, then released): PiecesOS gone. */
async function goneUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const S = '5 idle daemon';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const MiB = 1024 * 1024;
/** Start-up has settled once, at least SETTLE_MIN_MS after the daemon's start line, no thread of
 * it has woken for QUIET_MS (V8's memory reducer waits 8 s between its idle GCs)… */
const SETTLE_MIN_MS = 12_000;
const QUIET_MS = 8_000;
/** …or at the latest this long after its start line (then the window opens anyway, and shows it). */
const SETTLE_MAX_MS = 60_000;

interface ProcSample { ticks: number; rss: number; switches: number; mainSwitches: number }

async function sampleProc(pid: number): Promise<ProcSample> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  let switches = 0;
  let mainSwitches = 0;
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const s = await readFile(`/proc/${pid}/task/${task}/status`, 'utf8').catch(() => '');
    const n = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(s)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(s)?.[1] ?? 0);
    switches += n;
    if (task === String(pid)) mainSwitches = n;
  }
  return { ticks, rss, switches, mainSwitches };
}

interface Watched {
  child: ChildProcess;
  report: string;
  out: string[];
  exited: Promise<number | null>;
}

function launch(root: string, tmp: string, name: string, args: string[], env: Record<string, string> = {}): Watched {
  const report = path.join(tmp, `${name}-timers.json`);
  const preload = pathToFileURL(path.join(root, 'bench', 'idle-preload.mjs')).href;
  const child = spawn(process.execPath, ['--import', preload, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, BENCH_IDLE_REPORT: report } });
  const out: string[] = [];
  child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, report, out, exited };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function stop(w: Watched): Promise<void> {
  w.child.kill('SIGTERM');
  const done = await Promise.race([w.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (!done) {
    w.child.kill('SIGKILL');
    await w.exited;
  }
}

interface TimerReport { count: number; kinds: string; memory: string }

async function firedIn(w: Watched, from: number, to: number): Promise<TimerReport> {
  const raw = await readFile(w.report, 'utf8').catch(() => '');
  if (raw === '') return { count: Number.NaN, kinds: 'no timer report (the process did not exit cleanly)', memory: '' };
  const { fired, memory: m } = JSON.parse(raw) as { fired: [number, string, number][]; memory: NodeJS.MemoryUsage };
  const memory = `heap used ${(m.heapUsed / MiB).toFixed(1)} of ${(m.heapTotal / MiB).toFixed(1)} MiB, external ${(m.external / MiB).toFixed(1)} MiB, array buffers ${(m.arrayBuffers / MiB).toFixed(1)} MiB`;
  const inWindow = fired.filter(([t]) => t >= from && t <= to);
  const kinds = new Map<string, number>();
  for (const [, kind, delay] of inWindow) kinds.set(`${kind}(${delay} ms)`, (kinds.get(`${kind}(${delay} ms)`) ?? 0) + 1);
  return { count: inWindow.length, kinds: [...kinds].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none', memory };
}

export const idleSection: Section = {
  id: 'idle',
  title: 'Idle daemon',
  async run(ctx) {
    if (!existsSync(path.join(ctx.root, 'dist/cli.js'))) {
      return [{ section: S, metric: 'daemon', value: null, unit: '', note: 'not measured: dist/cli.js is not built (npm run build)' }];
    }
    const windowMs = ctx.quick ? 10_000 : 60_000;
    const emu = await emulatorWith(ctx.tmp, 20);
    // The same daily schedule as the issue: nothing is due during the window.
    // As `npm start` runs it when Electron cannot start: node --no-opt --max-semi-space-size=1 (scripts/start.mjs says why).
    const daemon = launch(ctx.root, ctx.tmp, 'daemon', ['--no-opt', '--max-semi-space-size=1', 'bin/pieces-backup.js', '--config-dir', path.join(ctx.tmp, 'config'), '--url', emu.url, 'daemon', '--schedule', '0 3 * * *']);
    // As a person runs it from a shell (`pieces-backup daemon`): node's default V8 settings.
    const plain = launch(ctx.root, ctx.tmp, 'plain', ['bin/pieces-backup.js', '--config-dir', path.join(ctx.tmp, 'config-plain'), '--url', emu.url, 'daemon', '--schedule', '0 3 * * *']);
    // The same daemon with PiecesOS gone: its live watch retries, at most once a minute once its
    // two quick first attempts (1 s, then 10 s after) are over — before the window starts.
    const gone = launch(ctx.root, ctx.tmp, 'gone', ['bin/pieces-backup.js', '--config-dir', path.join(ctx.tmp, 'config-gone'), '--url', await goneUrl(), 'daemon', '--schedule', '0 3 * * *']);
    const baseline = launch(ctx.root, ctx.tmp, 'baseline', ['-e', 'setInterval(() => {}, 2 ** 31 - 1)'], { BENCH_IDLE_EXIT_ON_TERM: '1' });
    try {
      const started = await waitFor(() => /daemon started/i.test(daemon.out.join('')) || daemon.child.exitCode !== null, 20_000);
      if (!started || daemon.child.exitCode !== null) throw new Error(`the daemon did not start: ${daemon.out.join('').trim().slice(0, 300)}`);
      // Let start-up work finish before the quiet window: the first list and catch-up check, the
      // live watch's connection, and V8's memory reducer, which runs a few idle GCs (and thread
      // wakeups) 10–20 s after start-up, then stops (seen with strace: munmap/madvise until then,
      // silence after). Settled = no thread of the daemon woke for QUIET_MS.
      const startedAt = Date.now();
      let quietSince = Date.now();
      let last = await sampleProc(daemon.child.pid!);
      while ((Date.now() - quietSince < QUIET_MS || Date.now() - startedAt < SETTLE_MIN_MS) && Date.now() - startedAt < SETTLE_MAX_MS) {
        await new Promise((r) => setTimeout(r, 500));
        const s = await sampleProc(daemon.child.pid!);
        if (s.switches !== last.switches) quietSince = Date.now();
        last = s;
      }
      const settledAfter = Date.now() - startedAt;
      ctx.log(`daemon settled ${(settledAfter / 1000).toFixed(1)} s after its start line`);
      const from = Date.now();
      const d0 = await sampleProc(daemon.child.pid!);
      const b0 = await sampleProc(baseline.child.pid!);
      let peakD = d0.rss;
      let peakB = b0.rss;
      let peakP = (await sampleProc(plain.child.pid!)).rss;
      // When in the window the daemon's threads woke, and how much RSS it had (every 2 s).
      const busy: string[] = [];
      let prev = d0;
      while (Date.now() - from < windowMs) {
        await new Promise((r) => setTimeout(r, Math.min(2000, windowMs - (Date.now() - from))));
        const d = await sampleProc(daemon.child.pid!);
        peakD = Math.max(peakD, d.rss);
        peakB = Math.max(peakB, (await sampleProc(baseline.child.pid!)).rss);
        peakP = Math.max(peakP, (await sampleProc(plain.child.pid!)).rss);
        if (d.switches > prev.switches) {
          busy.push(`+${Math.round((Date.now() - from) / 1000)} s: ${d.switches - prev.switches} (main ${d.mainSwitches - prev.mainSwitches}), ${d.ticks - prev.ticks} ticks, RSS ${(d.rss / MiB).toFixed(0)} MiB`);
        }
        prev = d;
      }
      const d1 = await sampleProc(daemon.child.pid!);
      const b1 = await sampleProc(baseline.child.pid!);
      const to = Date.now();
      await Promise.all([stop(daemon), stop(baseline), stop(gone), stop(plain)]);
      const seconds = (to - from) / 1000;
      const cpu = (s0: ProcSample, s1: ProcSample) => ((s1.ticks - s0.ticks) / TICKS_PER_SECOND / seconds) * 100;
      const dt = await firedIn(daemon, from, to);
      const bt = await firedIn(baseline, from, to);
      const gt = await firedIn(gone, from, to);
      const allowed = Math.max(1, Math.floor(seconds / 60));
      ctx.log(`daemon timers: ${dt.kinds}; baseline: ${bt.kinds}`);
      const rows: Row[] = [
        {
          section: S, metric: `timer callbacks fired in ${seconds.toFixed(0)} s`, value: dt.count, unit: '',
          baseline: { label: 'idle node', value: bt.count }, target: '≤ 1 a minute', pass: dt.count <= allowed, note: `daemon: ${dt.kinds}`,
        },
        {
          section: S, metric: `PiecesOS gone: timer callbacks fired in ${seconds.toFixed(0)} s`, value: gt.count, unit: '',
          baseline: { label: 'idle node', value: bt.count }, target: '≤ 1 a minute', pass: gt.count <= allowed,
          note: `the live watch's reconnect attempts while nothing answers: ${gt.kinds}`,
        },
        {
          section: S, metric: 'context switches (all threads)', value: d1.switches - d0.switches, unit: '',
          baseline: { label: 'idle node', value: b1.switches - b0.switches },
          note: `every wakeup of any thread, timers or not; the window starts ${(settledAfter / 1000).toFixed(1)} s after the daemon's start line, at least ${SETTLE_MIN_MS / 1000} s after it and once no thread woke for ${QUIET_MS / 1000} s (at most ${SETTLE_MAX_MS / 1000} s); main thread ${d1.mainSwitches - d0.mainSwitches}; ${busy.length === 0 ? 'no thread woke' : `woke at ${busy.join('; ')}`}`,
        },
        {
          section: S, metric: 'CPU time over the window', value: cpu(d0, d1), unit: '%',
          baseline: { label: 'idle node, %', value: cpu(b0, b1) }, target: '< 0.1 %', pass: cpu(d0, d1) < 0.1,
          note: `${d1.ticks - d0.ticks} ticks of 10 ms in ${seconds.toFixed(0)} s`,
        },
        {
          section: S, metric: 'resident memory (peak in window)', value: peakD / MiB, unit: 'MiB',
          baseline: { label: 'idle node, MiB', value: peakB / MiB }, ratio: peakD / peakB, target: '≤ 1.35× idle node', pass: peakD / peakB <= 1.35,
          note: `node --no-opt --max-semi-space-size=1, as npm start runs the daemon; ${(peakD / 1e6).toFixed(1)} MB; at the window's end ${(d1.rss / MiB).toFixed(1)} MiB; at exit, daemon: ${dt.memory}; idle node: ${bt.memory}`,
        },
        {
          section: S, metric: 'resident memory, plain `pieces-backup daemon` (peak in window)', value: peakP / MiB, unit: 'MiB',
          baseline: { label: 'idle node, MiB', value: peakB / MiB }, ratio: peakP / peakB, target: '≤ 1.35× idle node', pass: peakP / peakB <= 1.35,
          note: 'node without V8 flags, as a shell or a service file runs the CLI unless it adds those flags (README, the daemon command)',
        },
      ];
      return rows;
    } finally {
      if (daemon.child.exitCode === null) await stop(daemon);
      if (baseline.child.exitCode === null) await stop(baseline);
      if (gone.child.exitCode === null) await stop(gone);
      if (plain.child.exitCode === null) await stop(plain);
      await emu.close();
    }
  },
};
