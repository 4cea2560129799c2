// Child process of the stream-memory benchmark: reads a generated stream of `--mb` megabytes
// (made lazily, chunk by chunk, never held whole) and prints its peak memory as one JSON line.
// Run fresh per size so one size's heap cannot hide the other's.
//   node --expose-gc --import tsx bench/sections/stream-memory-child.ts <framing> <mb> <reader|naive|minimal|generate>
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ProgressStreamReader } from '../../main/api/stream-reader.js';
import { FRAMINGS, lazyChunks, type Framing } from './stream-data.js';

const [framingArg, mbArg, modeArg] = process.argv.slice(2);
const framing = (FRAMINGS as readonly string[]).includes(framingArg ?? '') ? (framingArg as Framing) : 'ndjson';
const totalBytes = Math.round(Number(mbArg ?? '20') * 1e6);
const mode = modeArg === 'naive' || modeArg === 'generate' || modeArg === 'minimal' ? modeArg : 'reader';

let peakRss = 0;
let peakHeap = 0;
function sample(): void {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
}
const sampler = setInterval(sample, 10);

(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage();
let values = 0;
let bytes = 0;
const t0 = process.hrtime.bigint();
let n = 0;
if (mode === 'reader') {
  const reader = new ProgressStreamReader(() => void values++, framing === 'sse' ? { contentType: 'text/event-stream' } : {});
  for (const chunk of lazyChunks(framing, totalBytes)) {
    reader.push(chunk);
    bytes += chunk.length;
    // Let the event loop (and the sampler) run now and then, as a real socket would.
    if (++n % 32 === 0) {
      sample();
      await yieldToLoop();
    }
  }
  reader.end();
} else if (mode === 'minimal') {
  // Baseline: the least a JS reader can do (NDJSON only: split on newlines, JSON.parse each line),
  // to tell V8's garbage from anything the real reader keeps.
  const decoder = new TextDecoder();
  let tail = '';
  for (const chunk of lazyChunks('ndjson', totalBytes)) {
    const text = tail + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      JSON.parse(text.slice(start, i));
      values++;
      start = i + 1;
    }
    tail = text.slice(start);
    bytes += chunk.length;
    if (++n % 32 === 0) {
      sample();
      await yieldToLoop();
    }
  }
} else if (mode === 'generate') {
  // Baseline: the generator alone, so its own garbage is not blamed on the reader.
  for (const chunk of lazyChunks(framing, totalBytes)) {
    bytes += chunk.length;
    if (++n % 32 === 0) {
      sample();
      await yieldToLoop();
    }
  }
} else {
  // The naive way: keep the whole body, then split and parse.
  const decoder = new TextDecoder();
  const parts: string[] = [];
  for (const chunk of lazyChunks(framing, totalBytes)) {
    parts.push(decoder.decode(chunk, { stream: true }));
    bytes += chunk.length;
    if (++n % 32 === 0) {
      sample();
      await yieldToLoop();
    }
  }
  const text = parts.join('') + decoder.decode();
  sample();
  const pieces = framing === 'ndjson' ? text.split('\n') : framing === 'sse' ? text.split('\n\n').map((s) => s.slice(6)) : text.replaceAll('}{', '}\n{').split('\n');
  sample();
  for (const p of pieces) if (p !== '') { JSON.parse(p); values++; }
  sample();
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
clearInterval(sampler);
sample();
// What stays after a full collection: anything here grew with the stream.
(globalThis as { gc?: () => void }).gc?.();
const after = process.memoryUsage();
process.stdout.write(`${JSON.stringify({
  framing, mode, bytes, values, ms,
  rssBefore: before.rss, heapBefore: before.heapUsed, heapAfterGc: after.heapUsed,
  peakRss, peakHeap, maxRss: process.resourceUsage().maxRSS * 1024,
})}\n`);
