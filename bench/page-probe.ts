// Instrumentation injected into the window before its scripts run (Playwright addInitScript):
// wall-clock stamps of every `event:state` the renderer receives, of every change of the
// progress bar's aria-valuenow (and the next animation frame, when it is painted), and of the
// `app:snapshot` answer. Times are performance.timeOrigin + performance.now(), the same clock
// the Node side stamps with.
export interface ProbeData {
  states: [number, string, number | null][];
  bar: [string | null, number][];
  painted: [string | null, number][];
  snapshotAt: number;
  /** End of the first frame painted with backup rows after the snapshot arrived. */
  firstPaintAt: number;
  /** Long animation frames (Chromium's LoAF entries): [duration, script ms, render ms, style+layout ms]. */
  longFrames: [number, number, number, number][];
}

declare global {
  interface Window {
    __bench: ProbeData;
  }
}

/**
 * Plain JavaScript source, not a function: tsx's transform can add helpers (`__name`) to a
 * function's text that do not exist in the page.
 */
export const PAGE_PROBE = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const data = { states: [], bar: [], painted: [], snapshotAt: 0, firstPaintAt: 0, longFrames: [] };
  // A task posted from a frame's animation callback runs after that frame has painted.
  const afterPaint = (fn) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = fn;
    ch.port2.postMessage(0);
  });
  const watchFirstPaint = () => afterPaint(() => {
    if (document.querySelector('.rows .tr')) data.firstPaintAt = now();
    else watchFirstPaint();
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const end = e.startTime + e.duration;
        const scripts = (e.scripts || []).reduce((sum, x) => sum + x.duration, 0);
        const render = e.renderStart ? end - e.renderStart : 0;
        const layout = e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0;
        data.longFrames.push([e.duration, scripts, render, layout]);
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  window.__bench = data;
  let real;
  Object.defineProperty(window, 'piecesBackup', {
    configurable: true,
    get: () => real,
    set(bridge) {
      real = {
        invoke: async (...a) => {
          const r = await bridge.invoke(...a);
          if (a[0] === 'app:snapshot' && !data.snapshotAt) {
            data.snapshotAt = now();
            watchFirstPaint();
          }
          return r;
        },
        on: (channel, listener) => bridge.on(channel, channel !== 'event:state' ? listener : (p) => {
          data.states.push([now(), p.phase, p.running ? p.running.percentage : null]);
          listener(p);
        }),
      };
    },
  });
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('role') !== 'progressbar') continue;
      const v = r.target.getAttribute('aria-valuenow');
      data.bar.push([v, now()]);
      requestAnimationFrame(() => data.painted.push([v, now()]));
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
})();`;

/** Resolves with the intervals (ms) between `count` animation frames; `scrollBy` px per frame on `selector`. */
export function frameScript(count: number, selector: string | null, scrollBy: number): string {
  return `new Promise((resolve) => {
    const el = ${selector === null ? 'null' : `document.querySelector(${JSON.stringify(selector)})`};
    const ts = [];
    function step(t) {
      ts.push(t);
      if (el) el.scrollTop += ${scrollBy};
      if (ts.length <= ${count}) requestAnimationFrame(step);
      else resolve(ts.slice(1).map((x, i) => x - ts[i]));
    }
    requestAnimationFrame(step);
  })`;
}
