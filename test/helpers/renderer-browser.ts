// The window tests' shared set-up: Debian's Chromium (skipped, with the reason printed, where it
// is missing), the current renderer sources built into a temp folder, and the artifacts folder
// for screenshots. Registers the file's before/after hooks; read the fields inside tests.
import { before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';
import { buildRenderer, PROJECT_ROOT } from '../../main/preview/build-renderer.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'renderer');

export interface RendererBrowser {
  /** Why the file's tests are skipped, or null. */
  readonly skipReason: string | null;
  readonly browser: Browser;
  /** A temp folder for this file, removed afterwards. */
  readonly tmp: string;
  /** The renderer built from the current sources (never a stale dist/). */
  readonly rendererDir: string;
}

export function useRendererBrowser(name: string, what: string): RendererBrowser {
  const skipReason = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium), so the ${what} cannot run`;
  if (skipReason) console.log(`# skipping ${what}: ${skipReason}`);
  let browser: Browser | null = null;
  let tmp = '';
  before(async () => {
    if (skipReason) return;
    tmp = await mkdtemp(path.join(os.tmpdir(), `pieces-renderer-${name}-`));
    await buildRenderer(path.join(tmp, 'renderer'));
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
  return {
    skipReason,
    get browser() {
      if (!browser) throw new Error('the browser is not running (the tests should have been skipped)');
      return browser;
    },
    get tmp() {
      return tmp;
    },
    get rendererDir() {
      return path.join(tmp, 'renderer');
    },
  };
}
