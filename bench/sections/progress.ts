// 3. Progress end to end: a value leaves PiecesOS, the window shows it (preview transport,
// Chromium, the real core and renderer). p50/p99 latency from the write on the server to the
// animation frame after the progress bar changed, for a backup and for a restore (the same
// paced values, through the restore run); then a flood of 10,000 values a second:
// `event:state` messages reaching the renderer per second, and whether the final state shows.
// Three processes, as in use: the fake PiecesOS in one child, the core with the preview's server
// in another (the app's main process), Playwright's client alone in the bench's process; each
// one's event-loop delay is reported beside the figures.
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright';
import { buildRenderer } from '../../main/preview/build-renderer.js';
import { launchChromium } from '../browser.js';
import { clockOffset, startChild, type BenchChild, type LoopDelay } from '../child-process.js';
import type { Plan, StreamRecord } from '../fake-pieces-os.js';
import type { CoreStamps } from '../progress-core-child.js';
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

/** The fake PiecesOS in its child process. */
interface Fake {
  child: BenchChild<{ url: string }>;
  setPlan(plan: Plan): Promise<void>;
  /** Resolves when the next streamed create or restore has written COMPLETED. */
  nextStream(): Promise<StreamRecord>;
}

/** The core and the preview's server in their child process. */
type Core = BenchChild<{ url: string }>;

function fakeOf(child: BenchChild<{ url: string }>): Fake {
  let waiting: ((r: StreamRecord) => void)[] = [];
  child.on('stream', (rec) => {
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(rec as StreamRecord);
  });
  return {
    child,
    setPlan: async (plan) => void (await child.request('plan', plan)),
    nextStream: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/** The most of the sorted times `ts` (ms) within any 1000 ms. */
function busiestSecond(ts: number[]): number {
  let peak = 0;
  for (let a = 0, b = 0; b < ts.length; b++) {
    while (ts[b]! - ts[a]! > 1000) a++;
    peak = Math.max(peak, b - a + 1);
  }
  return peak;
}

/** What the window starts: a backup, or a restore of that backup id (without a safety backup, so
 * the one stream measured is the restore's). */
type Run = { kind: 'backup' } | { kind: 'restore'; id: string };

async function runOnce(page: Page, fake: Fake, timeoutMs: number, run: Run = { kind: 'backup' }) {
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

/** One value shown, in ms from its write on the server (wall clock, across processes). */
interface Value {
  pct: number;
  /** → the frame after the bar changed. */
  total: number;
  /** → the core emitted it (client, stream reader, engine, coalescer). */
  inNode: number;
  /** → its bytes reached the core's JavaScript (the kernel, and the core's thread getting a CPU). */
  toJs: number;
  /** The core's thread: waiting for a CPU, and running, from the value before's emit to these bytes. */
  waitBefore: number;
  cpuBefore: number;
  /** From these bytes to the emit (our code): the core's CPU time, and its thread waiting for a CPU. */
  cpuCode: number;
  waitCode: number;
  /** Longest GC pause of the core overlapping write → emit. */
  gc: number;
  /** The value before this one: server write → core emits (a late one makes the coalescer hold this one). */
  beforeInNode: number;
  /** The core's last update before these bytes came: how long before, and what it was (a hold below 34 ms after it is the coalescer's). */
  lastUpdate: string;
  coreToRenderer: number;
  toDom: number;
  toFrame: number;
}

function lastUpdateBefore(stamps: CoreStamps, t: number): string {
  let i = stamps.emits.length - 1;
  while (i >= 0 && stamps.emits[i]! >= t) i--;
  return i < 0 ? 'none' : `${ms(t - stamps.emits[i]!)} ms before (${stamps.emittedWhat[i]})`;
}

/** Paced values (one per 50 ms, slower than the ≤ 30/s coalescing, so none is dropped): per value
 * shown, the time from its write on the server to the frame after the bar changed, and to the DOM change. */
async function measureLatency(page: Page, fake: Fake, core: Core, runs: number, run: Run) {
  const values: Value[] = [];
  await fake.setPlan({ kind: 'paced', intervalMs: 50 });
  // How late each process's event loop ran (the fake's, the core's, and this one's, which only
  // drives Playwright now): on a machine shared with other jobs, a tail is mostly this.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  await Promise.all([fake.child.request('loop:start'), core.request('loop:start')]);
  const load = loadavg()[0]!;
  let gcMax = 0;
  let gcMaxKind = 0;
  let gcCount = 0;
  for (let i = 0; i < runs; i++) {
    await core.request('stamps:clear');
    const { rec, probe } = await runOnce(page, fake, 20_000, run);
    const stamps = await core.request<CoreStamps>('stamps:get');
    for (const [, d, kind] of stamps.gc) if (d > gcMax) [gcMax, gcMaxKind] = [d, kind];
    gcCount += stamps.gc.length;
    const arrived = new Map<number, number>();
    for (const [t, , pct] of probe.states) if (pct !== null && !arrived.has(pct)) arrived.set(pct, t);
    const dom = new Map<string, number>();
    for (const [v, t] of probe.bar) if (v !== null && !dom.has(v)) dom.set(v, t);
    const seen = new Set<string>();
    for (const [v, t] of probe.painted) {
      if (v === null || seen.has(v)) continue;
      seen.add(v);
      const pct = Number(v);
      const sent = rec.sentAt.get(pct);
      const at = arrived.get(pct);
      const changed = dom.get(v);
      const emitted = stamps.emitted.get(pct);
      const inJs = stamps.arrived.get(pct);
      const before = stamps.emitted.get(pct - 1);
      if (sent === undefined || at === undefined || changed === undefined || emitted === undefined || !(pct > 0 && pct < 100)) continue;
      values.push({
        pct, total: t - sent, inNode: emitted.t - sent,
        toJs: inJs ? inJs.t - sent : Number.NaN,
        waitBefore: inJs && before ? inJs.wait - before.wait : Number.NaN,
        cpuBefore: inJs && before ? inJs.cpu - before.cpu : Number.NaN,
        cpuCode: inJs ? emitted.cpu - inJs.cpu : Number.NaN,
        waitCode: inJs ? emitted.wait - inJs.wait : Number.NaN,
        gc: stamps.gc.reduce((m, [g, d]) => (g < emitted.t && g + d > sent ? Math.max(m, d) : m), 0),
        beforeInNode: before && rec.sentAt.has(pct - 1) ? before.t - rec.sentAt.get(pct - 1)! : Number.NaN,
        lastUpdate: lastUpdateBefore(stamps, inJs?.t ?? emitted.t),
        coreToRenderer: at - emitted.t, toDom: changed - at, toFrame: t - changed,
      });
    }
  }
  loopDelay.disable();
  const [fakeLoop, coreLoop] = await Promise.all([fake.child.request<LoopDelay>('loop:stop'), core.request<LoopDelay>('loop:stop')]);
  const loops = { fake: fakeLoop, core: coreLoop, bench: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } };
  return { values, loops, load, gc: { count: gcCount, max: gcMax, kind: gcMaxKind } };
}

type Latency = Awaited<ReturnType<typeof measureLatency>>;

/** One frame at 60 Hz: the target for p99, whatever rate this Chromium's frames run at. */
const ONE_FRAME_MS = 1000 / 60;

const ms = (x: number) => x.toFixed(1);
const loopText = (l: LoopDelay) => `p99 ${ms(l.p99)}, max ${ms(l.max)} ms`;
const slowestBy = (values: Value[], key: (v: Value) => number, n = 3) => [...values].sort((a, b) => key(b) - key(a)).slice(0, n);
/** In Node less the core's thread's waits for a CPU (those after the bytes came, and before them
 * at most as long as the bytes took): what the core itself spends, its code and its holds. */
const ownTime = (v: Value) => v.inNode - v.waitCode - Math.min(Math.max(v.waitBefore, 0), v.toJs);
const pcts = (xs: number[]) => `p50 ${ms(percentile(xs, 50))} ms, p99 ${ms(percentile(xs, 99))} ms`;
/** In Node, split: to the core's JS (how long its thread waited for a CPU, and ran, since the value before), our code, GC. */
const inNodeText = (v: Value) => `${v.pct} %: ${ms(v.inNode)} [${ms(v.toJs)} to the core's JS, its thread waiting ${ms(v.waitBefore)} ms for a CPU and running ${ms(v.cpuBefore)} ms since the value before; ${ms(v.inNode - v.toJs)} code: ${ms(v.cpuCode)} ms CPU, ${ms(v.waitCode)} ms waiting for a CPU, ${ms(v.inNode - v.toJs - v.cpuCode - v.waitCode)} ms neither; the value before took ${ms(v.beforeInNode)} ms; the core's last update ${v.lastUpdate}${v.gc > 0 ? `; GC ${ms(v.gc)} ms` : ''}]`;

/** The p50 and p99 rows of one kind of run, with where the slowest values spent their time. */
function latencyRows(kind: 'backup' | 'restore', m: Latency, runs: number, frame: number, clocks: string, log: (line: string) => void): Row[] {
  const { values, loops, load, gc } = m;
  const latencies = values.map((v) => v.total);
  const domLatencies = values.map((v) => v.total - v.toFrame);
  const inNode = values.map((v) => v.inNode);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const domP99 = percentile(domLatencies, 99);
  const prefix = kind === 'backup' ? '' : 'restore ';
  log(`${prefix}latency: ${latencies.length} values shown, p50 ${ms(p50)} ms, p99 ${ms(p99)} ms, max ${ms(max(latencies))} ms; to the DOM p99 ${ms(domP99)} ms; in Node ${pcts(inNode)} (to the core's JS ${pcts(values.map((v) => v.toJs))}, code ${pcts(values.map((v) => v.inNode - v.toJs))}; less waits for a CPU ${pcts(values.map(ownTime))}); event loops late: fake ${loopText(loops.fake)}, core ${loopText(loops.core)}, bench ${loopText(loops.bench)}`);
  const slowest = slowestBy(values, (v) => v.total).map((v) => `${ms(v.total)} = ${[v.inNode, v.coreToRenderer, v.toDom, v.toFrame].map(ms).join(' + ')}`).join(', ');
  const slowestDom = slowestBy(values, (v) => v.total - v.toFrame).map((v) => `${ms(v.total - v.toFrame)} = ${[v.inNode, v.coreToRenderer, v.toDom].map(ms).join(' + ')}`).join(', ');
  const slowestNode = slowestBy(values, (v) => v.inNode).map(inNodeText).join('; ');
  const runsText = kind === 'backup' ? `${runs} backup(s)` : `${runs} restore(s) without a safety backup`;
  const processes = `fake PiecesOS, core + preview server, and Playwright each in a process of its own (${clocks}); event loops late: fake ${loopText(loops.fake)}, core ${loopText(loops.core)}, bench (Playwright) ${loopText(loops.bench)} (timer resolution 5 ms); load average ${load.toFixed(1)} on ${availableParallelism()} cores`;
  return [
    { section: S, metric: `${prefix}latency p50 (server write → frame shown)`, value: p50, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p50 / frame },
    {
      section: S, metric: `${prefix}latency p99`, value: p99, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p99 / frame,
      target: '≤ one frame (16.7 ms)', pass: p99 <= ONE_FRAME_MS + 0.05,
      note: `${latencies.length} of ${runs * 99} values (one per 50 ms) in ${runsText}; server write → core emits: ${pcts(inNode)}; → renderer received: ${pcts(values.map((v) => v.inNode + v.coreToRenderer))}; → DOM change: ${pcts(domLatencies)}; max ${ms(max(latencies))} ms; slowest (total = in Node + core → renderer + to DOM + to frame, ms): ${slowest}; ${processes}`,
    },
    {
      section: S, metric: `${prefix}latency p99, server write → DOM change (before the frame wait)`, value: domP99, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: domP99 / frame,
      note: `not a target (the row above is): the part before the wait for Chromium's next frame, which no code before the DOM can shorten (under a display's vsync that wait is spread over a whole frame; measured here beside); p50 ${ms(percentile(domLatencies, 50))} ms; the wait from the change to the frame after it: ${pcts(values.map((v) => v.toFrame))}, share of values over one frame end to end ${ms((100 * latencies.filter((x) => x > ONE_FRAME_MS).length) / Math.max(1, latencies.length))} %, to the DOM ${ms((100 * domLatencies.filter((x) => x > ONE_FRAME_MS).length) / Math.max(1, domLatencies.length))} %; slowest (to DOM = in Node + core → renderer + to DOM, ms): ${slowestDom}`,
    },
    {
      section: S, metric: `${prefix}in the core: server write → core emits, p99`, value: percentile(inNode, 99), unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: percentile(inNode, 99) / frame,
      note: `the core's share, in the core's own process: p50 ${ms(percentile(inNode, 50))} ms; less its thread's waits for a CPU: ${pcts(values.map(ownTime))}, max ${ms(max(values.map(ownTime)))} ms; split into server write → the bytes reach the core's JavaScript (${pcts(values.map((v) => v.toJs))}) and the core's code from there to the emit (${pcts(values.map((v) => v.inNode - v.toJs))}; of it CPU ${pcts(values.map((v) => v.cpuCode))}, its thread waiting for a CPU ${pcts(values.map((v) => v.waitCode))}, neither (held by a timer or I/O) ${pcts(values.map((v) => v.inNode - v.toJs - v.cpuCode - v.waitCode))}); slowest: ${slowestNode}; the core's GC: ${gc.count} pause(s), longest ${ms(gc.max)} ms (${({ 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' } as Record<number, string>)[gc.kind] ?? 'none'}; wall clock, so a wait for a CPU inside a pause counts)`,
    },
  ];
}

/** The same measure for a restore's progress (the window's restore run, the same paced values).
 * A window or engine without restores yet reports "not measured" instead of failing the section. */
async function restoreLatency(page: Page, fake: Fake, core: Core, runs: number): Promise<Latency | Row> {
  try {
    const listed = await page.evaluate(() => window.piecesBackup!.invoke('backups:list'));
    const list = (listed as { ok: boolean; value?: { id: string }[] }).value ?? [];
    const target = list[list.length - 1];
    if (!target) throw new Error('the bench fake listed no backup to restore');
    return await measureLatency(page, fake, core, runs, { kind: 'restore', id: target.id });
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
    let fakeChild: BenchChild<{ url: string }> | null = null;
    let core: Core | null = null;
    try {
      fakeChild = await startChild<{ url: string }>('fake PiecesOS', path.join(ctx.root, 'bench/fake-pieces-os-child.ts'), [], ctx.root);
      const fake = fakeOf(fakeChild);
      const rendererDir = path.join(ctx.tmp, 'renderer');
      await buildRenderer(rendererDir);
      core = await startChild<{ url: string }>('core and preview', path.join(ctx.root, 'bench/progress-core-child.ts'), [fakeChild.ready.url, path.join(ctx.tmp, 'config'), rendererDir], ctx.root);
      // Stamps from three processes are subtracted: show how far apart their clocks are.
      const offsets = await Promise.all([clockOffset(fakeChild), clockOffset(core)]);
      const clocks = `clocks: fake ${offsets[0].offsetMs >= 0 ? '+' : ''}${offsets[0].offsetMs.toFixed(2)} ± ${offsets[0].boundMs.toFixed(2)} ms, core ${offsets[1].offsetMs >= 0 ? '+' : ''}${offsets[1].offsetMs.toFixed(2)} ± ${offsets[1].boundMs.toFixed(2)} ms from the bench's`;
      ctx.log(`fake PiecesOS pid ${fakeChild.pid}, core + preview pid ${core.pid}, bench pid ${process.pid}; ${clocks}`);

      const page = await browser.newPage({ viewport: { width: 480, height: 640 } });
      await page.addInitScript({ content: PAGE_PROBE });
      await page.goto(core.ready.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

      const runs = ctx.quick ? 1 : 3;
      const backups = await measureLatency(page, fake, core, runs, { kind: 'backup' });
      const restores = await restoreLatency(page, fake, core, runs);
      const frames = await page.evaluate<number[]>(frameScript(60, null, 0));
      const frame = median(frames);
      const rows: Row[] = [
        ...latencyRows('backup', backups, runs, frame, clocks, ctx.log),
        ...('section' in restores ? [restores] : latencyRows('restore', restores, runs, frame, clocks, ctx.log)),
      ];

      // Flood: 10,000 values a second.
      const floods = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 2000 : 3000;
      await fake.setPlan({ kind: 'flood', perSecond: 10_000, durationMs });
      await core.request('arrivals', false);
      const rates: number[] = [];
      const peaks: number[] = [];
      /** The same, as the core emitted them (before the SSE, the socket and Chromium). */
      const corePeaks: number[] = [];
      let sentRate = 0;
      let finalShown = 0;
      const finalDetails: string[] = [];
      for (let i = 0; i < floods; i++) {
        await core.request('stamps:clear');
        const { rec, idle, probe } = await runOnce(page, fake, durationMs + 20_000);
        const emits = (await core.request<CoreStamps>('stamps:get')).emits.filter((t) => t >= rec.firstAt && t <= rec.completedAt);
        corePeaks.push(busiestSecond(emits));
        sentRate = (rec.values / (rec.lastAt - rec.firstAt)) * 1000;
        const during = probe.states.filter(([t]) => t >= rec.firstAt && t <= rec.completedAt).map(([t]) => t);
        rates.push((during.length / (rec.completedAt - rec.firstAt)) * 1000);
        peaks.push(busiestSecond(during));
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
          note: `${floods} flood(s) of ${durationMs / 1000} s; busiest second ${max(peaks)} messages as the renderer received them, ${max(corePeaks)} as the core emitted them; fake PiecesOS, core + preview server and Playwright in separate processes`,
        },
        {
          section: S, metric: 'flood: final state shown', value: finalShown, unit: `of ${floods}`,
          target: 'always', pass: finalShown === floods, ...(finalDetails.length ? { note: finalDetails.join('; ') } : {}),
        },
      );
      await page.close();
      return rows;
    } finally {
      // Every path, errors too: the children are asked to close, and killed if they do not.
      await Promise.all([core?.close(), fakeChild?.close(), browser.close()]);
    }
  },
};
