// Child process of the progress benchmark: the real core with the preview's server, as the
// Electron app's main process runs the core (without the fake PiecesOS or Playwright beside it).
// Stamps, with performance.timeOrigin + performance.now() (comparable across processes):
// - when each percentage's bytes reach this process's JavaScript (the HTTP parser pushing the
//   body chunk of a progress stream: what the kernel and the event loop cost before our code),
// - when the core emits it (after the preview's SSE write, which listens first),
// each with the process's CPU time and its main thread's time spent waiting for a CPU
// (/proc/thread-self/schedstat),
// so a slow value can be told apart as the core's own work or a wait for a core of the machine;
// plus every GC pause, and every emit time (the flood's rate as the core sends it).
//   started by bench/sections/progress.ts through bench/child-process.ts:
//   progress-core-child.ts <PiecesOS url> <config dir> <renderer dir>
import { readFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import { startPreview } from '../main/preview/server.js';
import { reportReady, serveParent, wallNow } from './child-process.js';

const [url, configDir, rendererDir] = process.argv.slice(2);

/** A moment in this process: wall clock, the process's CPU time, and how long its main thread
 * has waited for a CPU so far (ms). The process's CPU time (all threads, getrusage) because
 * schedstat's run time of a running thread is only brought up to date at the scheduler's ticks. */
export interface Stamp { t: number; cpu: number; wait: number }

function runQueueWait(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

function stamp(): Stamp {
  const t = wallNow();
  const { user, system } = process.cpuUsage();
  return { t, cpu: (user + system) / 1000, wait: runQueueWait() };
}

export interface CoreStamps {
  arrived: Map<number, Stamp>;
  emitted: Map<number, Stamp>;
  /** Every `event:state` the core emitted, wall clock. */
  emits: number[];
  /** The phase and percentage of each of `emits` (what an update that was not a new value was). */
  emittedWhat: string[];
  /** GC pauses: [start (wall clock), duration ms, kind: 1 minor, 2 major, 4 incremental, 8 weak callbacks]. */
  gc: [number, number, number][];
}

/** Off for the flood: scanning 10,000 values a second for their percentages is the bench's work, not the core's. */
let watchArrivals = true;
const stamps: CoreStamps = { arrived: new Map(), emitted: new Map(), emits: [], emittedWhat: [], gc: [] };

// The progress body's chunks as the HTTP parser hands them to the client (flowing mode: `data`
// is emitted inside this push).
const push = IncomingMessage.prototype.push;
IncomingMessage.prototype.push = function benchPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
  if (watchArrivals && chunk && String(this.headers['content-type']).includes('ndjson')) {
    const at = stamp();
    for (const m of String(chunk).matchAll(/"percentage":(\d+(?:\.\d+)?)/g)) {
      const pct = Number(m[1]);
      if (!stamps.arrived.has(pct)) stamps.arrived.set(pct, at);
    }
  }
  return push.call(this, chunk, encoding);
};

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) stamps.gc.push([performance.timeOrigin + e.startTime, e.duration, (e as { detail?: { kind?: number } }).detail?.kind ?? 0]);
}).observe({ entryTypes: ['gc'] });

reportReady(async () => {
  if (!url || !configDir || !rendererDir) throw new Error('progress-core-child needs the PiecesOS url, a config dir and the renderer dir.');
  const preview = await startPreview({ url, port: 0, configDir, rendererDir });
  preview.core.on('event:state', (st) => {
    const at = stamp();
    stamps.emits.push(at.t);
    stamps.emittedWhat.push(`${st.phase} ${st.running?.percentage ?? '-'}`);
    const pct = st.running?.percentage;
    if (pct !== null && pct !== undefined && !stamps.emitted.has(pct)) stamps.emitted.set(pct, at);
  });
  serveParent({
    /** Forgets the stamps of the run before. */
    'stamps:clear': () => {
      stamps.arrived.clear();
      stamps.emitted.clear();
      stamps.emits.length = 0;
      stamps.emittedWhat.length = 0;
      stamps.gc.length = 0;
    },
    'stamps:get': (): CoreStamps => stamps,
    /** Whether to stamp when each percentage's bytes reach this process's JavaScript. */
    arrivals: (on) => {
      watchArrivals = on === true;
    },
  }, () => preview.close());
  return { url: preview.url };
});
