// 3. Progress end to end: a value leaves PiecesOS, the window shows it (preview transport,
// Chromium, the real core and renderer). p50/p99 latency from the write on the server to the
// animation frame after the progress bar changed, for a backup and for a restore (the same
// paced values, through the restore run); then a flood of 10,000 values a second:
// `event:state` messages reaching the renderer per second, and whether the final state shows.
import path from 'node:path';
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
async function measureLatency(page: Page, fake: FakePiecesOs, runs: number, run: Run) {
  const latencies: number[] = [];
  const domLatencies: number[] = [];
  fake.plan = { kind: 'paced', intervalMs: 50 };
  for (let i = 0; i < runs; i++) {
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
  }
  return { latencies, domLatencies };
}

/** The same measure for a restore's progress (the window's restore run, the same paced values).
 * A window or engine without restores yet reports "not measured" instead of failing the section. */
async function restoreLatency(page: Page, fake: FakePiecesOs, runs: number, frame: number, log: (line: string) => void): Promise<Row[]> {
  const metric = 'restore latency p99';
  let measured: { latencies: number[]; domLatencies: number[] };
  try {
    const listed = await page.evaluate(() => window.piecesBackup!.invoke('backups:list'));
    const list = (listed as { ok: boolean; value?: { id: string }[] }).value ?? [];
    const target = list[list.length - 1];
    if (!target) throw new Error('the bench fake listed no backup to restore');
    measured = await measureLatency(page, fake, runs, { kind: 'restore', id: target.id });
  } catch (e) {
    return [{ section: S, metric, value: null, unit: '', note: `not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }];
  }
  const { latencies, domLatencies } = measured;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  log(`restore latency: ${latencies.length} values shown, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max(latencies).toFixed(1)} ms`);
  return [
    { section: S, metric: 'restore latency p50 (server write → frame shown)', value: p50, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p50 / frame },
    {
      section: S, metric, value: p99, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p99 / frame,
      target: '< 50 ms', pass: p99 < 50,
      note: `${latencies.length} of ${runs * 99} values (one per 50 ms) in ${runs} restore(s) without a safety backup; to the DOM change: p50 ${percentile(domLatencies, 50).toFixed(1)} ms, p99 ${percentile(domLatencies, 99).toFixed(1)} ms; max ${max(latencies).toFixed(1)} ms`,
    },
  ];
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
      const { latencies, domLatencies } = await measureLatency(page, fake, runs, { kind: 'backup' });
      const frames = await page.evaluate<number[]>(frameScript(60, null, 0));
      const frame = median(frames);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      ctx.log(`latency: ${latencies.length} values shown, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max(latencies).toFixed(1)} ms`);
      const rows: Row[] = [
        { section: S, metric: 'latency p50 (server write → frame shown)', value: p50, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p50 / frame },
        {
          section: S, metric: 'latency p99', value: p99, unit: 'ms', baseline: { label: 'one frame, ms', value: frame }, ratio: p99 / frame,
          target: '< 50 ms', pass: p99 < 50,
          note: `${latencies.length} of ${runs * 99} values (one per 50 ms) in ${runs} backup(s); to the DOM change: p50 ${percentile(domLatencies, 50).toFixed(1)} ms, p99 ${percentile(domLatencies, 99).toFixed(1)} ms; max ${max(latencies).toFixed(1)} ms`,
        },
      ];
      rows.push(...(await restoreLatency(page, fake, runs, frame, ctx.log)));

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
