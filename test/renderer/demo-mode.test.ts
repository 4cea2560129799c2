// The window's words (issue 11), in real Chromium through the preview with the real core and the
// emulator: demo mode is unmistakable (a note with the sentence, readable light and dark, only when
// the app fell back to the emulator); an error is said once and shows no system error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright';
import { AxeBuilder } from '@axe-core/playwright';
import { startEmulator, type Faults, type RunningEmulator } from '../../emulator/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';
import { closedPortUrl } from '../helpers/window-states.js';

const rig = useRendererBrowser('demo-mode', 'demo-mode and error-words window tests');
const skip = rig.skipReason ?? false;
const DEMO = 'Demo mode — using the built-in emulator, not your Pieces data';
const CODES = /\b(?:E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/;

let cases = 0;
async function open(t: Cleanup, how: { demo?: boolean; offline?: boolean; faults?: Faults }, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const base = path.join(rig.tmp, `case-${++cases}`);
  let url: string | undefined;
  let fallbackUrl: (() => Promise<string>) | undefined;
  let emulator: RunningEmulator | null = null;
  if (how.offline) url = await closedPortUrl();
  else {
    const started = await startEmulator({ port: 0, dataDir: path.join(base, 'cloud'), log: () => undefined, deviceName: 'test-box', ...(how.faults ? { faults: how.faults } : {}) });
    emulator = started;
    // Demo: no address given, so the core looks for PiecesOS and falls back to the emulator, as npm start does.
    if (how.demo) fallbackUrl = async () => started.url;
    else url = started.url;
  }
  const { page } = await rig.openWindow(t, {
    ...(url ? { url } : {}), ...(fallbackUrl ? { fallbackUrl } : {}), emulator, configDir: path.join(base, 'config'),
    viewport: { width: 460, height: 640 }, colorScheme: scheme, actionTimeout: 60_000, readyTimeout: 30_000,
  });
  return page;
}

test('demo mode: a note says so at the top, readable in light and dark', { skip, timeout: 120_000 }, async (t) => {
  for (const scheme of ['light', 'dark'] as const) {
    const page = await open(t, { demo: true }, scheme);
    const note = page.getByRole('note').filter({ hasText: DEMO });
    await note.waitFor();
    assert.equal((await note.textContent())?.trim(), DEMO);
    assert.ok(await note.isVisible());
    const contrast = await new AxeBuilder({ page }).include('.demo-banner').withRules(['color-contrast']).analyze();
    assert.deepEqual(contrast.violations.map((v) => v.id), [], `${scheme}: the note's text reaches 4.5:1`);
    await page.screenshot({ path: path.join(ARTIFACTS, `demo-mode-${scheme}.png`) });
  }
});

test('against PiecesOS (an address given, not the fallback): no demo note', { skip, timeout: 60_000 }, async (t) => {
  const page = await open(t, {});
  await page.getByText(/^PiecesOS/).first().waitFor();
  assert.equal(await page.getByText(DEMO).isVisible(), false);
});

test('not signed in: the window says it once, with what to do; no server words or codes repeated', { skip, timeout: 60_000 }, async (t) => {
  const page = await open(t, { faults: { notSignedIn: true } });
  const alert = page.getByRole('alert').filter({ hasText: 'Sign in to Pieces' });
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  assert.doesNotMatch(text, /HTTP 4\d\d/);
  assert.doesNotMatch(text, /sign in with PiecesOS/i, 'the server\'s advice is not repeated beside ours');
  // A backup refused for it: the failure the window shows is said once too.
  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.getByText(/not signed in/).first().waitFor();
  await page.waitForTimeout(500); // the failed run's state and history events have arrived by now
  const shown = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(shown, /HTTP 401|sign in with PiecesOS/i, shown);
  await page.screenshot({ path: path.join(ARTIFACTS, 'error-words-not-signed-in.png') });
});

test('PiecesOS not running and Back up now fails: no system error code anywhere the person reads', { skip, timeout: 90_000 }, async (t) => {
  const page = await open(t, { offline: true });
  await page.getByRole('alert').filter({ hasText: 'not reachable' }).waitFor();
  await page.getByRole('button', { name: 'Back up now' }).click();
  // The failed run reaches the status line (the app says it could not reach PiecesOS).
  await page.getByText(/Could not reach PiecesOS|not reachable|not running/).first().waitFor();
  await page.waitForTimeout(500); // the failed run's state and history events have arrived by now
  const shown = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(shown, CODES, shown);
  // The code is not lost: History keeps it behind the run's "Details".
  await page.getByRole('tab', { name: 'History' }).click();
  const details = page.locator('details.error-detail').first();
  await details.locator('summary').click();
  assert.equal((await details.locator('code').textContent())?.trim(), 'ECONNREFUSED');
});
