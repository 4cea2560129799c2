// `npm run screenshots`: the README's pictures of the window, taken from the preview (the real
// renderer and core) against the emulator seeded with a dozen backups from three devices
// (emulator/three-devices.ts), in Chromium at the window's own size (460 × 640), light and dark,
// and at 200 % zoom. Writes docs/screenshots/*.png; run it after changing what the window shows
// and commit the pictures with the change.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { seedThreeDevices, THIS_DEVICE } from '../emulator/three-devices.js';
import { startPreview, type RunningPreview } from '../main/preview/server.js';
import { buildRenderer, PROJECT_ROOT } from '../main/preview/build-renderer.js';

const OUT = path.join(PROJECT_ROOT, 'docs', 'screenshots');
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const WINDOW = { width: 460, height: 640 };

async function shot(page: Page, name: string, scale: 'css' | 'device' = 'css'): Promise<void> {
  // Let the last change paint (two frames) before the picture.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, scale });
  process.stdout.write(`${path.relative(PROJECT_ROOT, file)}\n`);
}

async function open(browser: Browser, url: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: WINDOW, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByRole('tabpanel', { name: 'Backups' }).getByRole('row').nth(5).waitFor();
  return page;
}

async function take(browser: Browser, preview: RunningPreview): Promise<void> {
  const page = await open(browser, preview.url);
  await shot(page, 'backups');

  await page.getByRole('tabpanel', { name: 'Backups' }).getByRole('row').first().click();
  const details = page.getByRole('dialog', { name: /^Backup from / });
  await details.waitFor();
  await shot(page, 'details');
  await details.getByRole('button', { name: 'Close' }).click();
  await details.waitFor({ state: 'hidden' });

  // A backup under way (the emulator works slowly enough to show it), then its place in History.
  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? 0) >= 40);
  await shot(page, 'progress');
  await page.getByRole('status').filter({ hasText: /^Backed up/ }).waitFor({ timeout: 120_000 });
  await page.getByRole('tab', { name: 'History' }).click();
  await shot(page, 'history');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('list', { name: 'Next runs' }).getByRole('listitem').first().waitFor();
  await shot(page, 'settings');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('tab', { name: 'Backups' }).click();
  await shot(page, 'backups-dark');
  await page.context().close();

  // 200 % zoom of the same window: half the CSS pixels, each drawn twice as large.
  const zoomed = await open(browser, preview.url, { viewport: { width: WINDOW.width / 2, height: WINDOW.height / 2 }, deviceScaleFactor: 2 });
  await shot(zoomed, 'backups-zoom200', 'device');
  await zoomed.context().close();
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'pieces-backup-screenshots-'));
  let emulator: RunningEmulator | null = null;
  let preview: RunningPreview | null = null;
  let browser: Browser | null = null;
  try {
    await mkdir(OUT, { recursive: true });
    const rendererDir = path.join(tmp, 'renderer');
    await buildRenderer(rendererDir);
    // ~2.4 MB of sample data at 256 KB/s: about ten seconds of progress to photograph.
    emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'cloud'), bytesPerSecond: 256 * 1024, log: () => undefined, ...THIS_DEVICE });
    await seedThreeDevices(emulator);
    preview = await startPreview({ url: emulator.url, port: 0, configDir: path.join(tmp, 'config'), rendererDir });
    browser = await chromium.launch({
      ...(existsSync(DEBIAN_CHROMIUM) ? { executablePath: DEBIAN_CHROMIUM } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    await take(browser, preview);
  } finally {
    await browser?.close();
    await preview?.close();
    await emulator?.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`screenshots: ${why} (is Chromium installed? apt-get install chromium, or npx playwright install chromium)\n`);
  process.exit(1);
});
