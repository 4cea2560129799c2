// axe-core (through @axe-core/playwright) on every view and state of the window, in light and in
// dark: no serious or critical violation (WCAG 2.2 A and AA rules and axe's best practices in
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

async function scan(page: Page, state: string, found: string[]): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
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

test('axe-core finds no serious or critical violation in any view or state, light or dark', { skip, timeout: 280_000 }, async (t) => {
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
