// 3. Progress end to end: a value leaves PiecesOS, the window shows it (preview transport,
// Chromium, the real core and renderer). p50/p99 latency from the write on the server to the
// animation frame after the progress bar changed, for a backup and for a restore (the same
// paced values, through the restore run); then a flood of 10,000 values a second:
// `event:state` messages reaching the renderer per second, and whether the final state shows.
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright';
import { startPreview } from '../../main/preview/server.js';
import { buildRenderer } from '../../main/preview/build-renderer.js';
import { launchChromium } from '../browser.js';
import { startFakePiecesOs, type FakePiecesOs } from '../fake-pieces-os.js';
import { PAGE_PROBE, frameScript } from '../page-probe.js';
import { max, median, percentile } from '../stats.js';
import type { Row, Section } from '../types.js';

const S = '3 progress end to end';

async function waitIdle(page: Page, afterStates: number, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction((n) => {
      const s = window.__bench.states;
      return s.length > n && s[s.length - 1]![1] !== 'running';
    }, afterStates, { timeout: timeoutMs, polling: 50 });
    return true;
  } catch {
    return false;
  }
}

/** What the window starts: a backup, or a restore of that backup id (without a safety backup, so
 * the one stream measured is the restore's). */
type Run = { kind: 'backup' } | { kind: 'restore'; id: string };

async function runOnce(page: Page, fake: FakePiecesOs, timeoutMs: number, run: Run = { kind: 'backup' }) {
  await page.evaluate(() => {
    window.__bench.states.length = 0;
    window.__bench.bar.length = 0;
    window.__bench.painted.length = 0;
  });
  const streamed = fake.nextStream();
  const started = await page.evaluate((r) => (r.kind === 'backup'
    ? window.piecesBackup!.invoke('backups:create')
    : window.piecesBackup!.invoke('backups:restore', { id: r.id, safetyBackup: false })), run);
  if (!(started as { ok: boolean }).ok) throw new Error(`the window could not start a ${run.kind}: ${JSON.stringify(started).slice(0, 200)}`);
  const rec = await Promise.race([streamed, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
  if (rec === null) throw new Error('the backup stream did not finish in time');
  const idle = await waitIdle(page, 0, 5000);
  const probe = await page.evaluate(() => window.__bench);
  return { rec, idle, probe };
}

/** Paced values (one per 50 ms, slower than the ≤ 30/s coalescing, so none is dropped): per value
 * shown, the time from its write on the server to the frame after the bar changed, and to the DOM change. */
async function measureLatency(page: Page, fake: FakePiecesOs, runs: number, run: Run, emittedAt: Map<number, number>) {
  const latencies: number[] = [];
  const domLatencies: number[] = [];
  /** Server write → the renderer receiving the state (the transport's share of the latency). */
  const arrivals: number[] = [];
  /** Server write → the core emitting the state (client, engine, coalescer: Node's share). */
  const inNode: number[] = [];
  /** The slowest values: [total, in Node, core → renderer (SSE, Chromium), arrival → DOM, DOM → frame] ms, to say where a tail comes from. */
  const worst: [number, number, number, number, number][] = [];
  fake.plan = { kind: 'paced', intervalMs: 50 };
  // How late this process's own event loop ran (the fake, the core and the preview all live in
  // it): on a machine shared with other jobs, a value's tail is mostly this, not the code path.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const load = loadavg()[0]!;
  for (let i = 0; i < runs; i++) {
    emittedAt.clear();
    const { rec, probe } = await runOnce(page, fake, 20_000, run);
    const collect = (samples: [string | null, number][], into: number[]) => {
      const seen = new Set<string>();
      for (const [v, t] of samples) {
        if (v === null || seen.has(v)) continue;
        seen.add(v);
        const sent = rec.sentAt.get(Number(v));
        if (sent !== undefined && Number(v) > 0 && Number(v) < 100) into.push(t - sent);
      }
    };
    collect(probe.painted, latencies);
    collect(probe.bar, domLatencies);
    const arrived = new Map<number, number>();
    for (const [t, , pct] of probe.states) if (pct !== null && !arrived.has(pct)) arrived.set(pct, t);
    const dom = new Map<string, number>();
    for (const [v, t] of probe.bar) if (v !== null && !dom.has(v)) dom.set(v, t);
    const seen = new Set<string>();
    for (const [v, t] of probe.painted) {
      if (v === null || seen.has(v)) continue;
      seen.add(v);
      const sent = rec.sentAt.get(Number(v));
      const at = arrived.get(Number(v));
      const changed = dom.get(v);
      const emitted = emittedAt.get(Number(v));
      if (sent === undefined || at === undefined || changed === undefined || emitted === undefined || !(Number(v) > 0 && Number(v) < 100)) continue;
      arrivals.push(at - sent);
      inNode.push(emitted - sent);
      worst.push([t - sent, emitted - sent, at - emitted, changed - at, t - changed]);
    }
  }
  loopDelay.disable();
  const loop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6, load };
  worst.sort((a, b) => b[0] - a[0]);
  return { latencies, domLatencies, arrivals, inNode, worst: worst.slice(0, 3), loop };
}

type Latency = Awaited<ReturnType<typeof measureLatency>>;

/** One frame at 60 Hz: the target for p99, whatever rate this Chromium's frames run at. */
const ONE_FRAME_MS = 1000 / 60;

/** The p50 and p99 rows of one kind of run, with where the slowest values spent their time. */
function latencyRows(kind: 'backup' | 'restore', m: Latency, runs: number, frame: number, log: (line: string) => void): Row[] {
  const { latencies, domLatencies, arrivals, inNode, worst, loop } = m;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const prefix = kind === 'backup' ? '' : 'restore ';
  log(`${prefix}latency: ${latencies.length} values shown, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max(latencies).toFixed(1)} ms; transport p99 ${percentile(arrivals, 99).toFixed(1)} ms`);
  const slowest = worst.map((w) => `${w[0].toFixed(1)} = ${w.slice(1).map((x) => x.toFixed(1)).join(' + ')}`).join(', ');
  const runsText = kind === 'backup' ? `${runs} backup(s)` : `${runs} restore(s) without a safety backup`;
  return [
    { section: S, metric: `${prefix}latency p50 (server write → frame shown)`, value: p50, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p50 / frame },
    {
      section: S, metric: `${prefix}latency p99`, value: p99, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p99 / frame,
      target: '≤ one frame (16.7 ms)', pass: p99 <= ONE_FRAME_MS + 0.05,
      note: `${latencies.length} of ${runs * 99} values (one per 50 ms) in ${runsText}; server write → core emits: p50 ${percentile(inNode, 50).toFixed(1)} ms, p99 ${percentile(inNode, 99).toFixed(1)} ms; → renderer received: p50 ${percentile(arrivals, 50).toFixed(1)} ms, p99 ${percentile(arrivals, 99).toFixed(1)} ms; → DOM change: p50 ${percentile(domLatencies, 50).toFixed(1)} ms, p99 ${percentile(domLatencies, 99).toFixed(1)} ms; max ${max(latencies).toFixed(1)} ms; slowest (total = in Node + core → renderer + to DOM + to frame, ms): ${slowest}; this process's event loop late by p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms (timer resolution 5 ms); load average ${loop.load.toFixed(1)} on ${availableParallelism()} cores`,
    },
  ];
}

/** The same measure for a restore's progress (the window's restore run, the same paced values).
 * A window or engine without restores yet reports "not measured" instead of failing the section. */
async function restoreLatency(page: Page, fake: FakePiecesOs, runs: number, emittedAt: Map<number, number>): Promise<Latency | Row> {
  try {
    const listed = await page.evaluate(() => window.piecesBackup!.invoke('backups:list'));
    const list = (listed as { ok: boolean; value?: { id: string }[] }).value ?? [];
    const target = list[list.length - 1];
    if (!target) throw new Error('the bench fake listed no backup to restore');
    return await measureLatency(page, fake, runs, { kind: 'restore', id: target.id }, emittedAt);
  } catch (e) {
    return { section: S, metric: 'restore latency p99', value: null, unit: '', note: `not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

export const progressSection: Section = {
  id: 'progress',
  title: 'Progress end to end',
  async run(ctx) {
    const launched = await launchChromium();
    if (typeof launched === 'string') return [{ section: S, metric: 'progress', value: null, unit: '', note: `not measured: ${launched}` }];
    const browser: Browser = launched;
    const fake = await startFakePiecesOs();
    const rendererDir = path.join(ctx.tmp, 'renderer');
    await buildRenderer(rendererDir);
    const preview = await startPreview({ url: fake.url, port: 0, configDir: path.join(ctx.tmp, 'config'), rendererDir });
    try {
      const page = await browser.newPage({ viewport: { width: 480, height: 640 } });
      await page.addInitScript({ content: PAGE_PROBE });
      await page.goto(preview.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

      const runs = ctx.quick ? 1 : 3;
      // When the core emits each state (after the preview's SSE write, which listens first).
      const emittedAt = new Map<number, number>();
      preview.core.on('event:state', (st) => {
        const pct = st.running?.percentage;
        if (pct !== null && pct !== undefined && !emittedAt.has(pct)) emittedAt.set(pct, performance.timeOrigin + performance.now());
      });
      const backups = await measureLatency(page, fake, runs, { kind: 'backup' }, emittedAt);
      const restores = await restoreLatency(page, fake, runs, emittedAt);
      const frames = await page.evaluate<number[]>(frameScript(60, null, 0));
      const frame = median(frames);
      const rows: Row[] = [
        ...latencyRows('backup', backups, runs, frame, ctx.log),
        ...('section' in restores ? [restores] : latencyRows('restore', restores, runs, frame, ctx.log)),
      ];

      // Flood: 10,000 values a second.
      const floods = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 2000 : 3000;
      fake.plan = { kind: 'flood', perSecond: 10_000, durationMs };
      const rates: number[] = [];
      const peaks: number[] = [];
      let sentRate = 0;
      let finalShown = 0;
      const finalDetails: string[] = [];
      for (let i = 0; i < floods; i++) {
        const { rec, idle, probe } = await runOnce(page, fake, durationMs + 20_000);
        sentRate = (rec.values / (rec.lastAt - rec.firstAt)) * 1000;
        const during = probe.states.filter(([t]) => t >= rec.firstAt && t <= rec.completedAt).map(([t]) => t);
        rates.push((during.length / (rec.completedAt - rec.firstAt)) * 1000);
        // The busiest second.
        let peak = 0;
        for (let a = 0, b = 0; b < during.length; b++) {
          while (during[b]! - during[a]! > 1000) a++;
          peak = Math.max(peak, b - a + 1);
        }
        peaks.push(peak);
        const last = probe.states[probe.states.length - 1];
        const bar = await page.evaluate(() => ({
          value: document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? null,
          status: document.querySelector('.run .status')?.textContent ?? '',
        }));
        const ok = idle && last !== undefined && last[1] === 'idle' && bar.value === '100' && !/Backing up/.test(bar.status);
        if (ok) finalShown++;
        else finalDetails.push(`run ${i + 1}: last state ${last?.[1] ?? 'none'}, bar ${bar.value}, status "${bar.status}"`);
      }
      ctx.log(`flood: ${rates.map((r) => r.toFixed(1)).join(', ')} messages/s; final state shown ${finalShown}/${floods}`);
      rows.push(
        {
          section: S, metric: 'flood: state messages reaching the renderer', value: median(rates), unit: '/s',
          baseline: { label: 'values sent /s', value: sentRate }, ratio: median(rates) / sentRate,
          target: '≤ 30 /s', pass: max(peaks) <= 30,
          note: `${floods} flood(s) of ${durationMs / 1000} s; busiest second ${max(peaks)} messages`,
        },
        {
          section: S, metric: 'flood: final state shown', value: finalShown, unit: `of ${floods}`,
          target: 'always', pass: finalShown === floods, ...(finalDetails.length ? { note: finalDetails.join('; ') } : {}),
        },
      );
      await page.close();
      return rows;
    } finally {
      await preview.close();
      await fake.close();
      await browser.close();
    }
  },
};
