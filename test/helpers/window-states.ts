// Every view and state of the window, one after the other in one page, for the checks that must
// hold in all of them (axe-core, reflow at 200 % zoom). The real core and the emulator are behind
// the preview; the emulator holds a dozen backups from three devices (this computer among them).
// The states are reached the way a person reaches them (clicks, keys) and emulator faults.
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions, Page } from 'playwright';
import { startEmulator } from '../../emulator/server.js';
import { startPreview, type RunningPreview } from '../../main/preview/server.js';
import { seedThreeDevices, THIS_DEVICE } from '../../emulator/three-devices.js';
import { startLockHolder } from './lock-children.js';

/** Called in each state, with the page showing it. */
export type Visit = (state: string, page: Page) => Promise<void>;

export interface StatesOptions {
  browser: Browser;
  /** A temp folder for the emulator's data and the settings folders. */
  tmp: string;
  rendererDir: string;
  context?: BrowserContextOptions;
  /** Registers clean-up (t.after). */
  cleanup: (fn: () => Promise<void> | void) => void;
}

/** A loopback URL where nothing listens (a port bound and released). */
export async function closedPortUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function openPage(browser: Browser, preview: RunningPreview, opts: StatesOptions): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 460, height: 640 }, ...opts.context });
  opts.cleanup(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(preview.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

const backupsPanel = (page: Page) => page.getByRole('tabpanel', { name: 'Backups' });
const runRegion = (page: Page) => page.getByRole('region', { name: 'Backup now' });

const detailsDialog = (page: Page) => page.getByRole('dialog', { name: /^Backup from / });

/** The first listed backup's action (Delete…, Restore…): a row opens its details, which offer them. */
async function rowAction(page: Page, verb: 'Delete' | 'Restore'): Promise<void> {
  if (!(await detailsDialog(page).isVisible())) {
    await backupsPanel(page).getByRole('row').first().click();
    await detailsDialog(page).waitFor();
  }
  await detailsDialog(page).getByRole('button', { name: `${verb}…` }).click();
}

async function showTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.getByRole('tabpanel', { name }).waitFor();
}

/** Waits until no backup or restore runs (Back up now usable again). */
async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const b = document.querySelector<HTMLButtonElement>('.run button.primary');
    const cancel = document.querySelector('.cancel-run');
    return b !== null && !b.disabled && (cancel === null || !cancel.checkVisibility());
  }, null, { timeout: 60_000 });
}

/**
 * Walks the window through every view and state, calling `visit` in each. States: the backup
 * list; a backup's details; the delete and restore dialogs (opened from the details); a running backup; a failed one; a finished one; History;
 * Settings (paused, with a retention policy's dry run, with an invalid schedule); the
 * not-signed-in banner; waiting for another process's backup; demo mode (a preview that fell
 * back to the emulator); the offline banner (a preview whose PiecesOS does not answer).
 */
export async function visitEveryState(opts: StatesOptions, visit: Visit): Promise<void> {
  const { browser, tmp, rendererDir, cleanup } = opts;
  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'cloud'), log: () => undefined, ...THIS_DEVICE });
  cleanup(() => emulator.close());
  await seedThreeDevices(emulator);
  const configDir = path.join(tmp, 'config');
  const preview = await startPreview({ url: emulator.url, port: 0, configDir, rendererDir });
  cleanup(() => preview.close());
  const page = await openPage(browser, preview, opts);

  await backupsPanel(page).getByRole('row').first().waitFor();
  await visit('backups', page);

  await backupsPanel(page).getByRole('row').first().click();
  await detailsDialog(page).waitFor();
  await visit('backup-details', page);

  await rowAction(page, 'Delete');
  const del = page.getByRole('dialog', { name: /^Delete/ });
  await del.waitFor();
  await visit('delete-dialog', page);
  await del.getByRole('button', { name: 'Cancel' }).click();
  await del.waitFor({ state: 'hidden' });

  await rowAction(page, 'Restore');
  const restore = page.getByRole('dialog', { name: /^Restore/ });
  await restore.waitFor();
  await visit('restore-dialog', page);
  await restore.getByRole('button', { name: 'Cancel' }).click();
  await restore.waitFor({ state: 'hidden' });
  await detailsDialog(page).getByRole('button', { name: 'Close' }).click();
  await detailsDialog(page).waitFor({ state: 'hidden' });

  // A backup that holds at 40 % until canceled: the running progress, then Cancel.
  emulator.setFaults({ stallAtPercent: 40 });
  await runRegion(page).getByRole('button', { name: 'Back up now' }).click();
  // (The value at the stall itself is never sent: the last one shown is below 40.)
  await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? 0) > 0, null, { timeout: 60_000 });
  await visit('progress-running', page);
  await runRegion(page).getByRole('button', { name: /^Cancel/ }).click();
  await idle(page);
  emulator.setFaults({});

  emulator.setFaults({ failAtPercent: 30 });
  await runRegion(page).getByRole('button', { name: 'Back up now' }).click();
  await runRegion(page).locator('p.error').waitFor({ timeout: 60_000 });
  await idle(page);
  await visit('backup-failed', page);
  emulator.setFaults({});

  await runRegion(page).getByRole('button', { name: 'Back up now' }).click();
  await runRegion(page).getByRole('status').filter({ hasText: /^Backed up/ }).waitFor({ timeout: 60_000 });
  await idle(page);
  await visit('backup-done', page);

  await showTab(page, 'History');
  await page.getByRole('list', { name: 'Backup history' }).getByRole('listitem').nth(2).waitFor();
  await visit('history', page);

  await showTab(page, 'Settings');
  await page.getByRole('list', { name: 'Next runs' }).getByRole('listitem').nth(2).waitFor();
  await visit('settings', page);
  await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
  const resume = page.getByRole('tabpanel', { name: 'Settings' }).getByRole('button', { name: 'Resume', exact: true });
  await resume.waitFor();
  await visit('paused', page);
  await resume.click();
  await page.getByRole('button', { name: 'Pause for 1 hour' }).waitFor();
  // A retention policy that would delete other devices' backups: the live dry run warns by name.
  await page.getByRole('checkbox', { name: 'Delete old backups automatically' }).check();
  await page.getByRole('spinbutton', { name: /^Keep the newest/ }).fill('1');
  await page.getByRole('checkbox', { name: 'Also delete backups made by other devices' }).check();
  await page.getByRole('list', { name: 'Backups retention would delete' }).waitFor();
  await visit('settings-retention', page);
  await page.getByLabel('Back up', { exact: true }).selectOption('custom');
  await page.getByRole('textbox', { name: 'Cron expression' }).fill('61 * * * *');
  await page.waitForFunction(() => document.querySelector('#schedule-preview')?.classList.contains('invalid'));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: /not saved/i }).waitFor();
  await visit('settings-invalid', page);
  // Nothing was saved: a reload shows the saved settings again.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await showTab(page, 'Backups');

  emulator.setFaults({ notSignedIn: true });
  await page.getByRole('region', { name: 'Connection' }).getByRole('button', { name: 'Check again' }).click();
  const signIn = page.getByRole('alert').filter({ hasText: 'Sign in to Pieces' });
  await signIn.waitFor();
  await visit('banner-not-signed-in', page);
  emulator.setFaults({});
  await signIn.getByRole('button').first().click();
  await signIn.waitFor({ state: 'hidden' });

  // Another Pieces Backup process holds the backup lock of the same settings folder.
  const holder = await startLockHolder(configDir, (fn) => cleanup(fn));
  await runRegion(page).getByRole('button', { name: 'Back up now' }).click();
  await page.getByRole('status').filter({ hasText: /^Waiting for the backup started by process/ }).waitFor();
  await visit('waiting', page);
  await holder.exit();
  await idle(page);

  // Demo mode: no address given and no PiecesOS found, so the core falls back to the emulator.
  const demoPreview = await startPreview({ fallbackUrl: async () => emulator.url, port: 0, configDir: path.join(tmp, 'config-demo'), rendererDir });
  cleanup(() => demoPreview.close());
  const demo = await openPage(browser, demoPreview, opts);
  await demo.getByRole('note').filter({ hasText: /^Demo mode/ }).waitFor();
  await visit('banner-demo', demo);

  const offlinePreview = await startPreview({ url: await closedPortUrl(), port: 0, configDir: path.join(tmp, 'config-offline'), rendererDir });
  cleanup(() => offlinePreview.close());
  const offline = await openPage(browser, offlinePreview, opts);
  await offline.getByRole('alert').filter({ hasText: 'PiecesOS is not reachable' }).waitFor();
  await visit('banner-offline', offline);
}
