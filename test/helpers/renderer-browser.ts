// The window tests' shared set-up: Debian's Chromium (skipped, with the reason printed, where it
// is missing), the current renderer sources built into a temp folder, and the artifacts folder
// for screenshots. Registers the file's before/after hooks; read the fields inside tests.
// `openWindow` opens the window as the app shows it: the preview (the real core) on a PiecesOS
// address, a browser context at the window's size, and a page waited on until it is ready.
import { before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright';
import { buildRenderer, PROJECT_ROOT } from '../../main/preview/build-renderer.js';
import { startPreview, type PreviewOptions, type RunningPreview } from '../../main/preview/server.js';

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
  /** The preview and a browser context for it, closed after the test; windows open with `open()`. */
  openPreview(t: Cleanup, opts: WindowOptions): Promise<PreviewWindows>;
  /** `openPreview` with its first window open and ready. */
  openWindow(t: Cleanup, opts: WindowOptions): Promise<PreviewWindows & { page: Page }>;
}

/** A test context, or anything else that runs clean-up after the test. */
export interface Cleanup {
  after(fn: () => Promise<void> | void): void;
}

export interface WindowOptions {
  /** The PiecesOS address the core uses (an emulator's, or one where nothing listens). */
  url?: string;
  /** Where the core falls back to when no address is given and no PiecesOS is found (demo mode). */
  fallbackUrl?: PreviewOptions['fallbackUrl'];
  /** The settings folder the core uses. */
  configDir: string;
  /** Closed after the browser context and the preview (the emulator behind the preview). */
  emulator?: { close(): Promise<void> } | null;
  /** Default 480 × 640. */
  viewport?: { width: number; height: number };
  colorScheme?: BrowserContextOptions['colorScheme'];
  /** Where the window opens, e.g. '#settings'. */
  hash?: string;
  /** Each page's default timeout for actions and waits (default 10 s). */
  actionTimeout?: number;
  /** How long a window may take to be ready (default 15 s). */
  readyTimeout?: number;
  /** Called with each new page before it loads, to watch it from its first request. */
  watch?: (page: Page) => void;
}

export interface PreviewWindows {
  preview: RunningPreview;
  context: BrowserContext;
  configDir: string;
  /** Uncaught errors of every window opened here. */
  pageErrors: string[];
  /** Console messages ("type: text") of every window opened here. */
  consoleLines: string[];
  /** A window opening: a new page with its own snapshot, ready. */
  open(): Promise<Page>;
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
  const running = (): Browser => {
    if (!browser) throw new Error('the browser is not running (the tests should have been skipped)');
    return browser;
  };
  async function openPreview(t: Cleanup, opts: WindowOptions): Promise<PreviewWindows> {
    const { emulator, configDir } = opts;
    let preview: RunningPreview | null = null;
    let context: BrowserContext | null = null;
    // One clean-up, registered first, so the emulator is closed even when the preview fails to
    // start; the window goes before the preview, the preview before the emulator behind it.
    t.after(async () => {
      await context?.close();
      await preview?.close();
      await emulator?.close();
    });
    const started = await startPreview({
      ...(opts.url === undefined ? {} : { url: opts.url }),
      ...(opts.fallbackUrl === undefined ? {} : { fallbackUrl: opts.fallbackUrl }),
      port: 0, configDir, rendererDir: path.join(tmp, 'renderer'),
    });
    preview = started;
    const ctx = await running().newContext({ viewport: opts.viewport ?? { width: 480, height: 640 }, ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}) });
    context = ctx;
    const pageErrors: string[] = [];
    const consoleLines: string[] = [];
    return {
      preview: started, context: ctx, configDir, pageErrors, consoleLines,
      async open() {
        const page = await ctx.newPage();
        page.setDefaultTimeout(opts.actionTimeout ?? 10_000);
        page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => pageErrors.push(e.message));
        opts.watch?.(page);
        await page.goto(started.url + (opts.hash ?? ''));
        await page.waitForSelector('body[data-ready="true"]', { timeout: opts.readyTimeout ?? 15_000 });
        return page;
      },
    };
  }
  return {
    skipReason,
    get browser() {
      return running();
    },
    get tmp() {
      return tmp;
    },
    get rendererDir() {
      return path.join(tmp, 'renderer');
    },
    openPreview,
    async openWindow(t, opts) {
      const windows = await openPreview(t, opts);
      return { ...windows, page: await windows.open() };
    },
  };
}
