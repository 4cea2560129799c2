// Reflow (WCAG 1.4.10): at 200 % zoom of the 460 × 640 window (a 230 × 320 CSS px viewport, drawn
// at device scale 2 so the screenshots look like the zoomed window) and at 320 CSS px width,
// every view and state shows everything without horizontal scrolling: the page is no wider than
// the viewport, no text is cut off, and every control lies within the viewport's width, is not
// clipped by a box around it, can be scrolled to and is not covered there (by a sticky bar, say).
// Screenshots at 460 × 640 and at 200 % zoom go to test-artifacts/renderer/reflow-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright';
import { ARTIFACTS, useRendererBrowser } from '../helpers/renderer-browser.js';
import { visitEveryState } from '../helpers/window-states.js';

const rig = useRendererBrowser('reflow', 'reflow tests');
const skip = rig.skipReason ?? false;

/** The sizes checked, in CSS px; `shot` names the screenshot kept for it. */
const SIZES = [
  { name: '200 % zoom (230 × 320)', width: 230, height: 320, shot: 'zoom200', scale: 'device' },
  { name: '320 px wide', width: 320, height: 640, shot: null, scale: 'css' },
  { name: 'the window’s own size (460 × 640)', width: 460, height: 640, shot: '460x640', scale: 'css' },
] as const;

/**
 * What does not reflow in the page as it is now, one sentence each (empty: all is well). Runs in
 * the page. Scrolls things into view to check them, then scrolls back to the top.
 */
function reflowProblems(): string[] {
  const problems: string[] = [];
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const vh = window.innerHeight;
  const name = (e: Element): string => {
    const label = e.getAttribute('aria-label') ?? (e as HTMLElement).innerText ?? e.textContent ?? '';
    const text = label.trim().replace(/\s+/g, ' ').slice(0, 50);
    return `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.classList.length ? `.${[...e.classList].join('.')}` : ''}> “${text}”`;
  };
  const visible = (e: Element): boolean => e.checkVisibility({ visibilityProperty: true }) && e.getClientRects().length > 0 && e.getBoundingClientRect().width > 0;
  const style = (e: Element) => getComputedStyle(e);

  if (doc.scrollWidth > vw) problems.push(`the page is ${doc.scrollWidth} px wide in a ${vw} px wide viewport (it scrolls sideways)`);

  // Text cut off by its box (an ellipsis, overflow hidden) or running out of it over what is beside
  // it. Not counted: the progress bar's track (clips on purpose), form fields (they scroll their
  // own text), and a cut value whose full text is in a title (the list's device name; its details
  // view shows it whole).
  for (const e of document.body.querySelectorAll('*')) {
    if (!visible(e) || e.closest('.sr-only, [role=progressbar], input, select, textarea, [title]')) continue;
    if (style(e).display === 'inline' || !(e.textContent ?? '').trim()) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      const how = style(e).overflowX === 'visible' ? 'runs out of its box' : 'cuts off its text';
      problems.push(`${name(e)} ${how} (${e.scrollWidth} px of content in ${e.clientWidth} px)`);
    }
  }

  // Inside an open modal dialog only its controls can be used: the top one (it has the focus)
  // when one opened another (Delete… in a backup's details).
  const modals = [...document.querySelectorAll('dialog:modal')];
  const scope = document.activeElement?.closest('dialog:modal') ?? modals[modals.length - 1] ?? document.body;
  const controls = [...scope.querySelectorAll('button, input, select, textarea, a[href], summary, [tabindex]:not([tabindex="-1"]), [role=tab]')].filter(visible);
  const scrollers = new Set<Element>();
  for (const c of controls) {
    const r = c.getBoundingClientRect();
    const left = r.left + window.scrollX;
    if (left < -0.5 || left + r.width > vw + 0.5) problems.push(`${name(c)} lies outside the viewport's width (x ${Math.round(left)}–${Math.round(left + r.width)} of ${vw})`);
    // `box`: what has to fit in the next box out; past a box that scrolls, that box itself.
    let box = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    for (let a = c.parentElement; a && a !== doc && a !== document.body; a = a.parentElement) {
      const s = style(a);
      const ar = a.getBoundingClientRect();
      if (s.overflowX !== 'visible' && (box.left < ar.left - 0.5 || box.right > ar.right + 0.5)) {
        problems.push(`${name(c)} is cut off on the side by ${name(a)}`);
      }
      const scrollsY = s.overflowY === 'auto' || s.overflowY === 'scroll';
      if (scrollsY) {
        if (a.scrollHeight > a.clientHeight) scrollers.add(a);
        box = { left: ar.left, right: ar.right, top: ar.top, bottom: ar.bottom };
      } else if (s.overflowY !== 'visible' && (box.top < ar.top - 0.5 || box.bottom > ar.bottom + 0.5)) {
        problems.push(`${name(c)} is cut off (top or bottom) by ${name(a)}, which does not scroll`);
      }
    }
  }
  // A scrolling box inside the page is a sliver when it is less than a third of the viewport
  // high: its content then scrolls in a slot, as a form did above a sticky Save bar at 200 %.
  for (const s of scrollers) {
    if (s.clientHeight < vh / 3) problems.push(`${name(s)} scrolls its content in ${s.clientHeight} px of a ${vh} px high viewport`);
  }
  // Reachable: scrolled into view, the control itself is what is at its centre (not a sticky bar).
  for (const c of controls) {
    c.scrollIntoView({ block: 'center', inline: 'nearest' });
    const r = c.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), vw - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), vh - 1);
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(hit === c || c.contains(hit) || (c as HTMLInputElement).labels?.[0]?.contains(hit))) {
      problems.push(`${name(c)}, scrolled into view, is covered by ${hit ? name(hit) : 'nothing (it is off screen)'}`);
    }
  }
  window.scrollTo(0, 0);
  for (const s of scrollers) s.scrollTop = 0;
  return [...new Set(problems)];
}

/** Each problem found, with the states it was found in. */
type Found = Map<string, string[]>;

async function check(page: Page, state: string, found: Found): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    // Two frames: the resize laid out, and the windowed list rendered for the new size.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // tsx names the page function's inner functions with a helper the page does not have.
    await page.evaluate('globalThis.__name ??= (f) => f');
    const problems = await page.evaluate(reflowProblems);
    for (const p of problems) {
      const key = `at ${size.name}: ${p}`;
      found.set(key, [...(found.get(key) ?? []), state]);
    }
    if (size.shot) await page.screenshot({ path: path.join(ARTIFACTS, `reflow-${state}-${size.shot}.png`), scale: size.scale });
  }
}

test('every view and state reflows at 200 % zoom and at 320 px width: nothing cut off, nothing out of reach, no sideways scrolling', { skip, timeout: 280_000 }, async (t) => {
  const found: Found = new Map();
  const visited: string[] = [];
  await visitEveryState(
    { browser: rig.browser, tmp: rig.tmp, rendererDir: rig.rendererDir, context: { deviceScaleFactor: 2 }, cleanup: (fn) => t.after(fn) },
    async (state, page) => {
      visited.push(state);
      await check(page, state, found);
    },
  );
  assert.ok(visited.length >= 10, `expected every state to be visited, saw ${visited.join(', ')}`);
  const report = [...found].map(([problem, states]) => `${problem} (in ${states.join(', ')})`);
  assert.deepEqual(report, [], `what does not reflow:\n${report.join('\n')}`);
});
