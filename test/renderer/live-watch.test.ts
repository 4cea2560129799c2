// The live watch in real Chromium, through the preview, with the real core and the emulator: a
// backup that another client starts (a plain HTTP request, as Pieces Desktop would make) shows in
// the window while it runs, with how long this app has seen it and, once far enough along, about
// how long it has left, and a progress bar named as another app's (no Cancel); and the new backup
// is in the list once it ends, without a click.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { ARTIFACTS, useRendererBrowser } from '../helpers/renderer-browser.js';

const rig = useRendererBrowser('live', 'renderer live-watch tests');
const skipReason = rig.skipReason;

test('a backup started by another app shows live in the window, and its backup appears when it ends', { skip: skipReason ?? false, timeout: 60_000 }, async (t) => {
  // ~2.4 MB of sample data at 400 KB/s: several seconds of progress to watch.
  const emulator = await startEmulator({ port: 0, dataDir: path.join(rig.tmp, 'cloud'), log: () => undefined, deviceName: 'test-box', bytesPerSecond: 400 * 1024 });
  await emulator.seed(1, { deviceName: 'elsewhere' });
  const { page, pageErrors } = await rig.openWindow(t, { url: emulator.url, emulator, configDir: path.join(rig.tmp, 'config'), actionTimeout: 15_000 });
  await page.locator('.rows [role=row]').first().waitFor();
  assert.equal(await page.locator('.rows [role=row]').count(), 1);

  // Another client: a plain streamed create, read to its end, not through this app.
  const other = fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text());
  await page.getByText(/^Backing up \(started in another app\)( \d+ %)?$/).first().waitFor();
  // "Seen for", never "Elapsed": the watch does not say when the other app started it.
  const timing = page.locator('p.run-time');
  await timing.filter({ hasText: /^Seen for \d+:\d\d/ }).waitFor({ timeout: 15_000 });
  await timing.filter({ hasText: /^Seen for \d+:\d\d · (About \d+ minutes? left|Less than a minute left)$/ }).waitFor({ timeout: 20_000 });
  // A bar for it too, named as another app's, with no Cancel (this app cannot cancel it).
  const bar = page.getByRole('progressbar', { name: 'Backup progress (started in another app)' });
  await bar.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) > 0, null, { timeout: 15_000 });
  const shown = Number(await bar.getAttribute('aria-valuenow'));
  assert.ok(shown > 0 && shown <= 100, `the bar shows the other app's percentage (${shown})`);
  assert.equal(await page.getByRole('button', { name: /^Cancel/ }).count(), 0, 'no Cancel for another app\'s run');
  await page.screenshot({ path: path.join(ARTIFACTS, 'external-run.png') });
  await other;
  await page.waitForFunction(() => document.querySelectorAll('.rows [role=row]').length === 2, null, { timeout: 20_000 });
  await page.getByText(/started in another app/).first().waitFor({ state: 'hidden' });
  await timing.waitFor({ state: 'hidden' });
  await bar.waitFor({ state: 'hidden' });
  assert.deepEqual(pageErrors, []);
});
