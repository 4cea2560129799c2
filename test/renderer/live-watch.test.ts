// The live watch in real Chromium, through the preview, with the real core and the emulator: a
// backup that another client starts (a plain HTTP request, as Pieces Desktop would make) shows in
// the window while it runs, and the new backup is in the list once it ends, without a click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { startEmulator } from '../../emulator/server.js';
import { startPreview } from '../../main/preview/server.js';
import { buildRenderer, PROJECT_ROOT } from '../../main/preview/build-renderer.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'renderer');
const skipReason = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium), so the window tests cannot run`;
if (skipReason) console.log(`# skipping renderer live-watch tests: ${skipReason}`);

let browser: Browser | null = null;
let tmp = '';
let rendererDir = '';

before(async () => {
  if (skipReason) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pieces-renderer-live-'));
  rendererDir = path.join(tmp, 'renderer');
  await buildRenderer(rendererDir);
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
  });
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('a backup started by another app shows live in the window, and its backup appears when it ends', { skip: skipReason ?? false, timeout: 60_000 }, async (t) => {
  // ~2.4 MB of sample data at 400 KB/s: several seconds of progress to watch.
  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'cloud'), log: () => undefined, deviceName: 'test-box', bytesPerSecond: 400 * 1024 });
  await emulator.seed(1, { deviceName: 'elsewhere' });
  const preview = await startPreview({ url: emulator.url, port: 0, configDir: path.join(tmp, 'config'), rendererDir });
  const context = await browser!.newContext({ viewport: { width: 480, height: 640 } });
  t.after(async () => {
    await context.close();
    await preview.close();
    await emulator.close();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(preview.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('.rows [role=row]').first().waitFor();
  assert.equal(await page.locator('.rows [role=row]').count(), 1);

  // Another client: a plain streamed create, read to its end, not through this app.
  const other = fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text());
  await page.getByText(/^Backing up \(started in another app\)( \d+ %)?$/).first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'external-run.png') });
  await other;
  await page.waitForFunction(() => document.querySelectorAll('.rows [role=row]').length === 2, null, { timeout: 20_000 });
  await page.getByText(/started in another app/).first().waitFor({ state: 'hidden' });
  assert.deepEqual(pageErrors, []);
});
