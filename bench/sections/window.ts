// 4. The window with 10,000 backups (preview transport, Chromium, the real core and renderer,
// the emulator behind it): time from the snapshot's data arriving in the page to the first paint
// with rows, beside the same window with 10 backups; then frame times while scrolling fast,
// beside frame times of the same page standing still.
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { startPreview } from '../../main/preview/server.js';
import { buildRenderer } from '../../main/preview/build-renderer.js';
import { launchChromium } from '../browser.js';
import { PAGE_PROBE, frameScript } from '../page-probe.js';
import { max, median, percentile } from '../stats.js';
import type { Row, Section, SectionContext } from '../types.js';
import { emulatorWith } from './emulator.js';

const S = '4 window 10,000';
const MiB = 1024 * 1024;

interface Open { toPaint: number; navToReady: number; heapUsed: number; frames?: number[]; still?: number[]; rowsInDom?: number; longFrames?: [number, number, number, number][] }

/** The page's JS heap in use after a full GC (DevTools protocol), bytes: what the window keeps. */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

async function openWindow(ctx: SectionContext, browser: Browser, backups: number, rendererDir: string, scroll: boolean, n: number): Promise<Open[]> {
  const dir = path.join(ctx.tmp, `w${backups}`);
  const emu = await emulatorWith(dir, backups);
  const preview = await startPreview({ url: emu.url, port: 0, configDir: path.join(dir, 'config'), rendererDir });
  const out: Open[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const page = await browser.newPage({ viewport: { width: 480, height: 640 } });
      try {
        await page.addInitScript({ content: PAGE_PROBE });
        const navStart = Date.now();
        await page.goto(preview.url);
        // Polled from here: the page's CSP forbids the eval that waitForFunction(string) needs.
        const end = Date.now() + 15_000;
        while (!(await page.evaluate<boolean>('window.__bench.firstPaintAt > 0'))) {
          if (Date.now() > end) throw new Error('the window did not paint its backups within 15 s');
          await new Promise((r) => setTimeout(r, 25));
        }
        const { snapshotAt, firstPaintAt: painted } = await page.evaluate<{ snapshotAt: number; firstPaintAt: number }>('window.__bench');
        const count = await page.evaluate<number>('document.querySelectorAll(".rows .tr").length');
        const one: Open = { toPaint: painted - snapshotAt, navToReady: painted - navStart, rowsInDom: count, heapUsed: await heapAfterGc(page) };
        if (scroll) {
          one.still = await page.evaluate<number[]>(frameScript(60, null, 0));
          // Fast scrolling: 600 px (about 17 rows) every frame for 3 s of frames.
          await page.evaluate('window.__bench.longFrames.length = 0');
          one.frames = await page.evaluate<number[]>(frameScript(180, '.viewport', 600));
          one.longFrames = await page.evaluate<[number, number, number, number][]>('window.__bench.longFrames');
          const top = await page.evaluate<number>('document.querySelector(".viewport").scrollTop');
          if (top < 10_000) throw new Error(`the backups list did not scroll (scrollTop ${top})`);
        }
        out.push(one);
      } finally {
        await page.close();
      }
    }
  } finally {
    await preview.close();
    await emu.close();
  }
  return out;
}

export const windowSection: Section = {
  id: 'window',
  title: 'Window with 10,000 backups',
  async run(ctx) {
    const launched = await launchChromium();
    if (typeof launched === 'string') return [{ section: S, metric: 'window', value: null, unit: '', note: `not measured: ${launched}` }];
    const browser = launched;
    try {
      const rendererDir = path.join(ctx.tmp, 'renderer');
      await buildRenderer(rendererDir);
      const n = ctx.quick ? 2 : 5;
      const small = await openWindow(ctx, browser, 10, rendererDir, false, n);
      const big = await openWindow(ctx, browser, 10_000, rendererDir, true, n);
      const paintBig = median(big.map((o) => o.toPaint));
      const paintSmall = median(small.map((o) => o.toPaint));
      const frames = big.flatMap((o) => o.frames ?? []);
      const still = big.flatMap((o) => o.still ?? []);
      const long = big.flatMap((o) => o.longFrames ?? []).sort((x, y) => y[0] - x[0]);
      const worst = long[0];
      const where = worst
        ? `Chromium's long-animation-frame entries while scrolling: ${long.length}; the worst ${worst[0].toFixed(0)} ms = script ${worst[1].toFixed(1)} ms, rendering ${worst[2].toFixed(1)} ms (style+layout ${worst[3].toFixed(1)} ms)`
        : 'no long-animation-frame entry (> 50 ms of main-thread work) while scrolling';
      ctx.log(`first paint ${paintBig.toFixed(1)} ms (10 backups: ${paintSmall.toFixed(1)} ms); scroll frames max ${max(frames).toFixed(1)} ms`);
      const heapBig = median(big.map((o) => o.heapUsed));
      const heapSmall = median(small.map((o) => o.heapUsed));
      const rows: Row[] = [
        {
          section: S, metric: 'JS heap after GC, first paint', value: heapBig / MiB, unit: 'MiB',
          baseline: { label: 'same with 10 backups, MiB', value: heapSmall / MiB }, ratio: heapBig / heapSmall,
          target: '≤ 2× with 10 backups', pass: heapBig / heapSmall <= 2,
          note: `median of ${n} page loads each; HeapProfiler.collectGarbage then Runtime.getHeapUsage; ${((heapBig - heapSmall) / 9_990).toFixed(0)} B more per backup`,
        },
        {
          section: S, metric: 'data → first paint with rows', value: paintBig, unit: 'ms',
          baseline: { label: 'same with 10 backups, ms', value: paintSmall }, ratio: paintBig / paintSmall,
          target: '< 200 ms', pass: max(big.map((o) => o.toPaint)) < 200,
          note: `median of ${n} page loads (worst ${max(big.map((o) => o.toPaint)).toFixed(1)} ms); rows in the DOM: ${big[0]?.rowsInDom}; navigation → first paint ${median(big.map((o) => o.navToReady)).toFixed(0)} ms (10 backups: ${median(small.map((o) => o.navToReady)).toFixed(0)} ms)`,
        },
        {
          section: S, metric: 'frame time while scrolling, worst', value: max(frames), unit: 'ms',
          baseline: { label: 'standing still, worst ms', value: max(still) }, ratio: max(frames) / max(still),
          target: 'no frame > 50 ms', pass: max(frames) <= 50,
          note: `${frames.length} frames scrolling 600 px each; p50 ${percentile(frames, 50).toFixed(1)} ms, p99 ${percentile(frames, 99).toFixed(1)} ms; frames over 50 ms: ${frames.filter((f) => f > 50).length}; ${where}`,
        },
      ];
      return rows;
    } finally {
      await browser.close();
    }
  },
};
