// Child process of the progress benchmark: the real core with the preview's server, as the
// Electron app's main process runs the core (without the fake PiecesOS or Playwright beside it).
// Stamps when the core emits each percentage (after the preview's SSE write, which listens
// first) with performance.timeOrigin + performance.now(), comparable across processes.
//   started by bench/sections/progress.ts through bench/child-process.ts:
//   progress-core-child.ts <PiecesOS url> <config dir> <renderer dir>
import { startPreview } from '../main/preview/server.js';
import { reportReady, serveParent, wallNow } from './child-process.js';

const [url, configDir, rendererDir] = process.argv.slice(2);

reportReady(async () => {
  if (!url || !configDir || !rendererDir) throw new Error('progress-core-child needs the PiecesOS url, a config dir and the renderer dir.');
  const preview = await startPreview({ url, port: 0, configDir, rendererDir });
  const emittedAt = new Map<number, number>();
  preview.core.on('event:state', (st) => {
    const pct = st.running?.percentage;
    if (pct !== null && pct !== undefined && !emittedAt.has(pct)) emittedAt.set(pct, wallNow());
  });
  serveParent({
    /** Forgets the stamps of the run before. */
    'emitted:clear': () => void emittedAt.clear(),
    'emitted:get': () => new Map(emittedAt),
  }, () => preview.close());
  return { url: preview.url };
});
