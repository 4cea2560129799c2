// 1. The stream reader: MB/s (of CPU time) in each framing against the ceiling (JSON.parse alone
// over the same values, already split), the naive way (whole body, split, parse) beside it; then peak memory at 20 MB
// and 200 MB of stream, each size in a fresh child process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ProgressStreamReader } from '../../main/api/stream-reader.js';
import { cleanHeap } from '../clean-heap.js';
import { median } from '../stats.js';
import type { Row, Section, SectionContext } from '../types.js';
import { FRAMINGS, buildStream, type Framing, type InMemoryStream } from './stream-data.js';

const S = '1 stream reader';
const LABEL: Record<Framing, string> = { ndjson: 'NDJSON', sse: 'SSE', concat: 'back to back' };

function readWithReader(framing: Framing, s: InMemoryStream): number {
  let n = 0;
  const reader = new ProgressStreamReader(() => void n++, framing === 'sse' ? { contentType: 'text/event-stream' } : {});
  for (const c of s.chunks) reader.push(c);
  reader.end();
  return n;
}

function readNaively(framing: Framing, s: InMemoryStream): number {
  const decoder = new TextDecoder();
  const text = s.chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode();
  const pieces = framing === 'ndjson' ? text.split('\n') : framing === 'sse' ? text.split('\n\n').map((p) => p.slice(6)) : text.replaceAll('}{', '}\n{').split('\n');
  let n = 0;
  for (const p of pieces) {
    if (p === '') continue;
    JSON.parse(p);
    n++;
  }
  return n;
}

function parseOnly(s: InMemoryStream): number {
  let n = 0;
  for (const v of s.values) {
    JSON.parse(v);
    n++;
  }
  return n;
}

/** Milliseconds of CPU time the process spent (user + system, every thread: GC helpers too). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU milliseconds of one call, from a clean heap; checks the value count so a broken reader
 * cannot look fast.
 * CPU time, not wall time: on a machine shared with other jobs, time spent waiting for a core
 * is not the reader's, and it hit the contenders of a round unequally.
 */
function timeOnce(expected: number, fn: () => number): number {
  cleanHeap();
  const t = cpuMs();
  const n = fn();
  const ms = cpuMs() - t;
  if (n !== expected) throw new Error(`read ${n} values instead of ${expected}`);
  return ms;
}

interface Throughput { reader: number; naive: number; ceiling: number; ofCeiling: number; ofNaive: number }

/**
 * Reader and ceiling interleaved round by round (after warm-up rounds), who goes first
 * alternating, so a noisy neighbour or the other's garbage slows both alike; MB/s are medians,
 * the ratio is the median of per-round ratios. The naive way is measured after, on its own: it
 * leaves tens of MB of garbage that would otherwise land on whoever runs next.
 */
function measure(framing: Framing, s: InMemoryStream, runs: number): Throughput {
  const n = s.values.length;
  const r: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    let tr: number;
    let tc: number;
    if (i % 2 === 0) {
      tr = timeOnce(n, () => readWithReader(framing, s));
      tc = timeOnce(n, () => parseOnly(s));
    } else {
      tc = timeOnce(n, () => parseOnly(s));
      tr = timeOnce(n, () => readWithReader(framing, s));
    }
    if (i < 2) continue; // warm-up: let the JIT settle
    r.push(tr);
    c.push(tc);
  }
  const nv: number[] = [];
  for (let i = 0; i < 4; i++) {
    const tn = timeOnce(n, () => readNaively(framing, s));
    if (i > 0) nv.push(tn);
  }
  const mbps = (ms: number) => s.bytes / 1e6 / (ms / 1000);
  return {
    reader: mbps(median(r)), naive: mbps(median(nv)), ceiling: mbps(median(c)),
    ofCeiling: median(r.map((t, i) => c[i]! / t)), ofNaive: median(nv) / median(r),
  };
}

interface ChildReport { bytes: number; values: number; peakRss: number; peakHeap: number; maxRss: number; heapAfterGc: number; heapBefore: number }

function runChild(ctx: SectionContext, framing: Framing, mb: number, mode: 'reader' | 'naive' | 'generate' | 'minimal'): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ctx.root, 'bench/sections/stream-memory-child.ts'), framing, String(mb), mode], { cwd: ctx.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit ${code}: ${err.trim().slice(0, 300)}`);
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ChildReport);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

const MB = 1024 * 1024;

export const streamSection: Section = {
  id: 'stream',
  title: 'Stream reader',
  async run(ctx) {
    const rows: Row[] = [];
    const size = ctx.quick ? 5e6 : 10e6;
    const runs = ctx.quick ? 5 : 9;
    for (const framing of FRAMINGS) {
      const s = buildStream(framing, size);
      const { reader, naive, ceiling, ofCeiling, ofNaive } = measure(framing, s, runs);
      ctx.log(`${framing}: reader ${reader.toFixed(0)} MB/s, naive ${naive.toFixed(0)}, ceiling ${ceiling.toFixed(0)} (CPU time); reader ${ofCeiling.toFixed(2)}× ceiling`);
      rows.push({
        section: S, metric: `${LABEL[framing]} reader`, value: reader, unit: 'MB/s',
        baseline: { label: 'JSON.parse alone over the already split values, MB/s', value: ceiling }, ratio: ofCeiling,
        target: '≥ 0.8× ceiling', pass: ofCeiling >= 0.8,
        note: `${(s.bytes / 1e6).toFixed(0)} MB, ${s.values.length} values (${(s.bytes / s.values.length).toFixed(0)} B each), 64 KiB chunks; MB/s of CPU time from a clean heap (full GC before each), median of ${runs} interleaved rounds, ratio the median of per-round ratios; naive (read all, split, parse; 3 rounds after the others) ${naive.toFixed(0)} MB/s, the reader ${ofNaive.toFixed(2)}× that`,
      });
    }

    // Peak memory: NDJSON and SSE (back to back shares NDJSON's scanner). Baselines: the generator
    // alone, and a minimal newline splitter (the least any JS reader does), at the same sizes.
    const sizes = ctx.quick ? [20, 60] : [20, 200];
    const [lo, hi] = sizes as [number, number];
    const minLo = await runChild(ctx, 'ndjson', lo, 'minimal');
    const minHi = await runChild(ctx, 'ndjson', hi, 'minimal');
    const minGrowth = minHi.peakRss / minLo.peakRss;
    for (const framing of ctx.quick ? (['ndjson'] as const) : (['ndjson', 'sse'] as const)) {
      const gen = await Promise.all(sizes.map((mb) => runChild(ctx, framing, mb, 'generate')));
      const small = await runChild(ctx, framing, lo, 'reader');
      const big = await runChild(ctx, framing, hi, 'reader');
      ctx.log(`${framing} memory: ${JSON.stringify({ small, big })}`);
      const growth = big.peakRss / small.peakRss;
      rows.push({
        section: S, metric: `${LABEL[framing]} peak RSS at ${lo} MB`, value: small.peakRss / MB, unit: 'MiB',
        baseline: { label: 'generator alone', value: gen[0]!.peakRss / MB },
        note: `peak heap ${(small.peakHeap / MB).toFixed(1)} MiB; heap after full GC ${(small.heapAfterGc / MB).toFixed(1)} MiB`,
      });
      rows.push({
        section: S, metric: `${LABEL[framing]} peak RSS at ${hi} MB`, value: big.peakRss / MB, unit: 'MiB',
        baseline: { label: `minimal splitter ${hi}/${lo} MB ratio`, value: minGrowth }, ratio: growth,
        target: `same as at ${lo} MB (≤ +10 %)`, pass: growth <= 1.1,
        note: `peak heap ${(big.peakHeap / MB).toFixed(1)} MiB (vs ${(small.peakHeap / MB).toFixed(1)}); generator alone ${(gen[1]!.peakRss / MB).toFixed(0)} MiB (vs ${(gen[0]!.peakRss / MB).toFixed(0)}); minimal splitter ${(minHi.peakRss / MB).toFixed(0)} MiB (vs ${(minLo.peakRss / MB).toFixed(0)}); maxRSS ${(big.maxRss / MB).toFixed(0)} MiB`,
      });
      const kept = (big.heapAfterGc - small.heapAfterGc) / MB;
      rows.push({
        section: S, metric: `${LABEL[framing]} heap kept after full GC, ${hi} vs ${lo} MB`, value: kept, unit: 'MiB more',
        baseline: { label: `heap after GC at ${lo} MB, MiB`, value: small.heapAfterGc / MB },
        target: 'same (≤ +1 MiB)', pass: kept <= 1,
      });
    }
    const naive = await runChild(ctx, 'ndjson', 20, 'naive');
    rows.push({
      section: S, metric: 'naive read-all peak RSS at 20 MB', value: naive.peakRss / MB, unit: 'MiB',
      note: 'baseline: what holding the whole body costs (it grows with the body)',
    });
    return rows;
  },
};
