// The window, in real Chromium through the preview transport with the real core and the
// emulator, when its backup has to wait for another Pieces Backup process's backup (a real child
// process holding the real lock of the same settings folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { startEmulator } from '../../emulator/server.js';
import { startPreview } from '../../main/preview/server.js';
import { buildRenderer } from '../../main/preview/build-renderer.js';
import { startLockHolder } from '../helpers/lock-children.js';

const CHROMIUM = '/usr/bin/chromium';
const skipReason = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium), so the window tests cannot run`;
if (skipReason) console.log(`# skipping renderer waiting test: ${skipReason}`);

let browser: Browser | null = null;
let tmp = '';

before(async () => {
  if (skipReason) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pieces-renderer-wait-'));
  await buildRenderer(path.join(tmp, 'renderer'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('Back up now while another process backs up: the window says whose backup it waits for, and the button stays usable', { skip: skipReason ?? false }, async (t) => {
  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'cloud'), log: () => undefined });
  const configDir = path.join(tmp, 'config');
  const preview = await startPreview({ url: emulator.url, port: 0, configDir, rendererDir: path.join(tmp, 'renderer') });
  const context = await browser!.newContext({ viewport: { width: 480, height: 640 } });
  t.after(async () => {
    await context.close();
    await preview.close();
    await emulator.close();
  });
  const holder = await startLockHolder(configDir, (fn) => t.after(fn));
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(preview.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

  await page.getByRole('button', { name: 'Back up now' }).click();
  const status = page.getByRole('status').filter({ hasText: `Waiting for the backup started by process ${holder.pid} at ` });
  await status.waitFor();
  assert.match((await status.textContent()) ?? '', new RegExp(`process ${holder.pid} at \\d\\d:\\d\\d`));
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('.run button.primary')?.disabled);
  assert.equal(await page.getByRole('progressbar', { name: 'Backup progress' }).isVisible(), false, 'no progress bar while waiting');
  assert.deepEqual(pageErrors, []);
});
