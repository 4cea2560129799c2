// axe-core (through @axe-core/playwright) on every view and state of the window, in light and in
// dark: no serious or critical violation, and every form field and button outlined at 3:1 (WCAG
// 1.4.11, which axe does not check) (WCAG 2.2 A and AA rules and axe's best practices in
// light; in dark, where only the colours differ, the colour rules). One browser and one page walked through the states (see
// test/helpers/window-states.ts); each violation is printed with the state, the scheme, the rule,
// and the elements it was found on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import { useRendererBrowser } from '../helpers/renderer-browser.js';
import { visitEveryState } from '../helpers/window-states.js';

const rig = useRendererBrowser('a11y', 'accessibility tests');
const skip = rig.skipReason ?? false;

const SCHEMES = ['light', 'dark'] as const;
const BLOCKING = new Set(['serious', 'critical']);

function describe(v: Result): string {
  const where = v.nodes.slice(0, 4).map((n) => `      ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`);
  const more = v.nodes.length > 4 ? [`      … and ${v.nodes.length - 4} more`] : [];
  return [`${v.id} (${v.impact}): ${v.help}`, ...where, ...more].join('\n');
}

/**
 * WCAG 1.4.11 (non-text contrast), which axe-core does not check: every enabled, visible form field
 * and button is told from what surrounds it by 3:1, by its outline (border colour) or by its own
 * background. Runs in the page; answers one line per control that falls short.
 */
function lowContrastControls(): string[] {
  type Rgba = [number, number, number, number];
  const parse = (c: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r!, g!, b!, a ?? 1];
  };
  const over = (top: Rgba, under: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  const luminance = ([r, g, b]: Rgba) => {
    const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x: Rgba, y: Rgba) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  /** The colour behind an element: its ancestors' backgrounds, blended, down to the page's. */
  const behind = (el: Element): Rgba => {
    const layers: Rgba[] = [];
    for (let e = el.parentElement; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const short: string[] = [];
  // Checkboxes and radios keep Chromium's own drawing (its outline is dark enough); a button drawn
  // as text alone (no border, no background of its own: the tabs, "Check again") is identified by
  // its text, which axe's text contrast rule covers. Everything drawn with an outline or a fill is checked.
  for (const el of document.querySelectorAll<HTMLElement>('button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')) {
    const box = el.getBoundingClientRect();
    if ((el as HTMLButtonElement).disabled || box.width === 0 || box.height === 0 || el.closest('[hidden], dialog:not([open])')) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden') continue;
    const outside = behind(el);
    const own = over(parse(st.backgroundColor), outside);
    const border = parseFloat(st.borderTopWidth) > 0 ? over(parse(st.borderTopColor), outside) : own;
    const drawn = (parseFloat(st.borderTopWidth) > 0 && parse(st.borderTopColor)[3] > 0) || parse(st.backgroundColor)[3] > 0;
    if (!drawn) continue;
    const best = Math.max(ratio(border, outside), ratio(own, outside));
    if (best < 3) short.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}": ${best.toFixed(2)}:1`);
  }
  return short;
}

async function scan(page: Page, state: string, found: string[]): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    // tsx names the helpers inside lowContrastControls through a `__name` wrapper the page lacks.
    await page.evaluate('globalThis.__name ??= (f) => f');
    for (const c of await page.evaluate(lowContrastControls)) found.push(`${state}, ${scheme}: non-text contrast below 3:1 (WCAG 1.4.11): ${c}`);
    // Light: every rule. Dark: the same page with other colours, so only the rules about colour.
    const builder = new AxeBuilder({ page });
    if (scheme === 'light') builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
    else builder.withRules(['color-contrast', 'link-in-text-block']);
    // Legacy mode runs axe in the page itself; the default opens a second page per scan to merge
    // frame results, several times slower, and the window has no frames to merge.
    const results = await builder.options({ resultTypes: ['violations'] }).setLegacyMode(true).analyze();
    for (const v of results.violations) {
      if (BLOCKING.has(v.impact ?? '')) found.push(`${state}, ${scheme}: ${describe(v)}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('axe-core finds no serious or critical violation in any view or state, light or dark, and every control stands out at 3:1', { skip, timeout: 280_000 }, async (t) => {
  const found: string[] = [];
  const visited: string[] = [];
  await visitEveryState(
    { browser: rig.browser, tmp: rig.tmp, rendererDir: rig.rendererDir, cleanup: (fn) => t.after(fn) },
    async (state, page) => {
      visited.push(state);
      await scan(page, state, found);
    },
  );
  assert.ok(visited.length >= 10, `expected every state to be visited, saw ${visited.join(', ')}`);
  assert.equal(found.length, 0, `axe-core found ${found.length} serious or critical violations:\n${found.join('\n')}`);
});
