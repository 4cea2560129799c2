// The renderer in real Chromium, through the preview transport, with the real core (engine,
// settings, client) and the emulator behind it. One browser per file; a fresh emulator, config
// dir and preview per test. Screenshots go to test-artifacts/renderer/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { type Page } from 'playwright';
import { startEmulator, type Faults, type RunningEmulator } from '../../emulator/server.js';
import type { RunningPreview } from '../../main/preview/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';
import { closedPortUrl } from '../helpers/window-states.js';

const rig = useRendererBrowser('window', 'renderer window tests');
const skipReason = rig.skipReason;

interface Setup {
  page: Page;
  emulator: RunningEmulator | null;
  preview: RunningPreview;
  /** Console messages of the page (type: text). */
  consoleLines: string[];
  pageErrors: string[];
}

let dirs = 0;
async function setup(
  t: Cleanup,
  opts: { seed?: number; deviceName?: string; faults?: Faults; bytesPerSecond?: number; offline?: boolean } = {},
): Promise<Setup> {
  const base = path.join(rig.tmp, `case-${++dirs}`);
  let emulator: RunningEmulator | null = null;
  let url: string;
  if (opts.offline) {
    url = await closedPortUrl();
  } else {
    const emuOpts: Parameters<typeof startEmulator>[0] = { port: 0, dataDir: path.join(base, 'cloud'), log: () => undefined, deviceName: 'test-box' };
    if (opts.faults) emuOpts.faults = opts.faults;
    if (opts.bytesPerSecond) emuOpts.bytesPerSecond = opts.bytesPerSecond;
    emulator = await startEmulator(emuOpts);
    if (opts.seed) await emulator.seed(opts.seed, opts.deviceName === undefined ? {} : { deviceName: opts.deviceName });
    url = emulator.url;
  }
  const { page, preview, consoleLines, pageErrors } = await rig.openWindow(t, { url, emulator, configDir: path.join(base, 'config') });
  return { page, emulator, preview, consoleLines, pageErrors };
}

async function emulatorIds(emulator: RunningEmulator): Promise<string[]> {
  const res = await fetch(`${emulator.url}/backups`);
  const body = (await res.json()) as { iterable: { id: string }[] };
  return body.iterable.map((b) => b.id);
}

const dataRows = (page: Page) => page.getByRole('grid', { name: 'Backups' }).getByRole('row');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

test('the backups list renders newest first with date, size, device, platform and version', { skip: skipReason ?? false }, async (t) => {
  const { page, pageErrors } = await setup(t, { seed: 5 });
  await dataRows(page).nth(4).waitFor();
  assert.equal(await dataRows(page).count(), 5);
  // Each row: the time (with "This computer" once known), then device · platform · version, then the size.
  const first = dataRows(page).first();
  const cells = await first.getByRole('gridcell').allTextContents();
  assert.match(cells[0] ?? '', /^(Today|Yesterday|[A-Z][a-z]{2} \d+), \d/);
  assert.match(cells[1] ?? '', /test-box\u00a0· (Linux|macOS|Windows) · 12\.0\.0-emulator$/);
  assert.match(cells[2] ?? '', /\d (B|KB|MB|GB)$/);
  // Newest first: row dates, read back from the DOM's ids, are in descending order.
  const ids = await dataRows(page).evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id ?? ''));
  const stamps = ids.map((id) => Number(id.split('_').pop()));
  assert.deepEqual([...stamps].sort((a, b) => b - a), stamps);
  await page.getByRole('region', { name: 'Connection' }).filter({ hasText: /127\.0\.0\.1/ }).waitFor();
  assert.deepEqual(pageErrors, []);
  await shot(page, 'list');
});

test('Back up now streams progress to 100 % and the new backup appears in the list and history', { skip: skipReason ?? false }, async (t) => {
  // ~2.4 MB of sample data at 2 MB/s: a bit over a second of streamed progress.
  const { page, emulator } = await setup(t, { seed: 2, bytesPerSecond: 2 * 1024 * 1024 });
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { seen: number[] }).seen = seen;
    new MutationObserver(() => {
      const v = document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
      if (v != null && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  await page.getByRole('button', { name: 'Back up now' }).click();
  const bar = page.getByRole('progressbar', { name: 'Backup progress' });
  await bar.waitFor({ state: 'visible' });
  await shot(page, 'progress-running');
  await page.waitForFunction(() => document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100', null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('.rows [role=row]').length === 3, null, { timeout: 10_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
  assert.equal(seen[seen.length - 1], 100);
  assert.ok(seen.some((v) => v > 0 && v < 100), `expected intermediate progress values, saw ${seen.join(', ')}`);
  assert.equal((await emulatorIds(emulator!)).length, 3);
  // Once the run is over the button is usable again and the bar stays at its final 100 %.
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('.run button.primary')?.disabled);
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  await page.getByRole('status').filter({ hasText: /^Backed up / }).waitFor();
  await shot(page, 'progress-done');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('list', { name: 'Backup history' }).getByText('Completed').first().waitFor();
});

test('retention says why it deletes nothing while this computer is unknown, and History says when a run skipped it', { skip: skipReason ?? false }, async (t) => {
  // An older PiecesOS (no device endpoint) whose create does not name the backup it made.
  const { page, emulator } = await setup(t, { seed: 3, deviceName: 'test-box', faults: { noDeviceInformation: true, omitBackup: true } });
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('checkbox', { name: 'Delete old backups automatically' }).check();
  await page.getByRole('spinbutton', { name: 'Keep the newest (backups of each device)' }).fill('1');
  await page.getByText(/^Nothing would be deleted: This computer’s device name is not known yet/).or(page.getByText(/^Nothing would be deleted: This computer's device name is not known yet/)).waitFor();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await page.getByRole('tab', { name: 'Backups' }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('list', { name: 'Backup history' }).getByText(/did not say which backup it made, so retention was skipped/).waitFor({ timeout: 20_000 });
  assert.equal((await emulatorIds(emulator!)).length, 4, 'nothing deleted');
  await shot(page, 'history-retention-skipped');
});

test('deleting a backup asks first; Cancel keeps it, Delete removes it from the cloud', { skip: skipReason ?? false }, async (t) => {
  const { page, emulator } = await setup(t, { seed: 3 });
  await dataRows(page).nth(2).waitFor();
  const target = await dataRows(page).first().evaluate((r) => (r as HTMLElement).dataset.id ?? '');
  // A row opens its details, which offer Delete….
  const details = page.getByRole('dialog', { name: /^Backup from / });
  const del = details.getByRole('button', { name: 'Delete…' });
  await dataRows(page).first().click();
  await del.click();
  const dialog = page.getByRole('dialog', { name: 'Delete this backup?' });
  await dialog.waitFor();
  await shot(page, 'delete-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await dataRows(page).count(), 3);
  assert.equal((await emulatorIds(emulator!)).length, 3);

  await del.click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('.rows [role=row]').length === 2);
  const ids = await emulatorIds(emulator!);
  assert.equal(ids.length, 2);
  assert.ok(!ids.includes(target));
});

test('settings: the schedule is validated live, invalid input is refused, valid input is saved', { skip: skipReason ?? false }, async (t) => {
  const { page } = await setup(t, { seed: 4 });
  await page.getByRole('tab', { name: 'Settings' }).click();
  const preview = page.locator('#schedule-preview');
  // The default schedule shows its description and three next runs.
  await page.getByRole('list', { name: 'Next runs' }).getByRole('listitem').nth(2).waitFor();

  await page.getByLabel('Back up', { exact: true }).selectOption('custom');
  const cron = page.getByRole('textbox', { name: 'Cron expression' });
  await cron.fill('61 * * * *');
  await page.waitForFunction(() => document.querySelector('#schedule-preview')?.classList.contains('invalid'));
  assert.equal(await cron.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('list', { name: 'Next runs' }).getByRole('listitem').count(), 0);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: /not saved/i }).waitFor();
  await shot(page, 'settings-invalid');

  await cron.fill('0 */6 * * *');
  await page.waitForFunction(() => !document.querySelector('#schedule-preview')?.classList.contains('invalid'));
  await page.getByRole('list', { name: 'Next runs' }).getByRole('listitem').nth(2).waitFor();
  assert.ok(((await preview.textContent()) ?? '').length > 0);

  // Every N hours offers only divisors of 24 (test/renderer/settings.test.ts).
  await page.getByLabel('Back up', { exact: true }).selectOption('every-n-hours');
  await page.getByRole('combobox', { name: 'Every how many hours' }).selectOption('6');
  await page.waitForFunction(() => !document.querySelector('#schedule-preview')?.classList.contains('invalid'));

  // Retention dry run, live: keep the newest 1 of 4 → the next backup (the newest then) removes all 4.
  await page.getByRole('checkbox', { name: 'Delete old backups automatically' }).check();
  await page.getByRole('spinbutton', { name: 'Keep the newest (backups of each device)' }).fill('1');
  await page.getByRole('checkbox', { name: 'Also delete backups made by other devices' }).check();
  await page.getByText('With these settings the next backup would remove 4 older backups:').waitFor();
  assert.equal(await page.getByRole('list', { name: 'Backups retention would delete' }).getByRole('listitem').count(), 4);

  await page.getByRole('checkbox', { name: 'Start at login' }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await shot(page, 'settings-saved');

  // A window that opens later gets the saved settings in its snapshot.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByRole('tab', { name: 'Settings' }).click();
  assert.equal(await page.getByLabel('Back up', { exact: true }).inputValue(), 'every-n-hours');
  assert.equal(await page.getByRole('combobox', { name: 'Every how many hours' }).inputValue(), '6');
  assert.equal(await page.getByRole('checkbox', { name: 'Start at login' }).isChecked(), true);
  assert.equal(await page.getByRole('spinbutton', { name: 'Keep the newest (backups of each device)' }).inputValue(), '1');
});

test('the window opens at the view its URL names, and switches on hashchange', { skip: skipReason ?? false }, async (t) => {
  const { page, preview } = await setup(t, { seed: 1 });
  await page.goto(`${preview.url}#settings`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByRole('tabpanel', { name: 'Settings' }).isVisible(), true);
  await page.evaluate(() => { location.hash = 'history'; });
  await page.getByRole('tab', { name: 'History', selected: true }).waitFor();
  assert.equal(await page.getByRole('tabpanel', { name: 'Settings' }).isVisible(), false);
});

test('offline: the window says PiecesOS is not reachable and what to do', { skip: skipReason ?? false }, async (t) => {
  const { page, preview } = await setup(t, { offline: true });
  const alert = page.getByRole('alert').filter({ hasText: 'PiecesOS is not reachable at' });
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /Start PiecesOS/);
  assert.ok(preview.url);
  await shot(page, 'offline');
});

test('not signed in: the window asks the person to sign in to Pieces', { skip: skipReason ?? false }, async (t) => {
  const { page } = await setup(t, { faults: { notSignedIn: true } });
  await page.getByRole('alert').filter({ hasText: 'Sign in to Pieces and connect to the cloud' }).waitFor();
  await shot(page, 'not-signed-in');
});

test('a device name carrying HTML shows as text and runs nothing', { skip: skipReason ?? false }, async (t) => {
  const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  const { page } = await setup(t, { seed: 2, deviceName: evil });
  await dataRows(page).first().waitFor();
  const cell = dataRows(page).first().locator('.device');
  assert.equal(await cell.textContent(), evil);
  assert.equal(await page.locator('.rows img, .rows b').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  await shot(page, 'html-device-name');
});

test('the CSP holds: no inline scripts, an injected inline script is blocked, no violations from the app', { skip: skipReason ?? false }, async (t) => {
  const { page, consoleLines, pageErrors } = await setup(t, { seed: 3 });
  assert.equal(await page.evaluate(() => document.querySelector('script:not([src])')), null);
  assert.equal(await page.evaluate(() => document.querySelector('[style]:not(.rows):not(.sizer):not(.fill)')), null);
  assert.deepEqual(consoleLines.filter((l) => /Content Security Policy/i.test(l)), []);
  assert.deepEqual(pageErrors, []);
  const blocked = await page.evaluate(() => new Promise<{ ran: boolean; violated: string }>((resolve) => {
    let violated = '';
    document.addEventListener('securitypolicyviolation', (e) => {
      violated = e.violatedDirective;
    });
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.appendChild(s);
    setTimeout(() => resolve({ ran: (window as unknown as { __inline?: number }).__inline === 1, violated }), 100);
  }));
  assert.equal(blocked.ran, false);
  assert.match(blocked.violated, /script-src/);
});

test('10,000 backups render windowed: rows show, the DOM stays small, scrolling reaches the oldest', { skip: skipReason ?? false }, async (t) => {
  const { page } = await setup(t, { seed: 10_000 });
  const table = page.getByRole('grid', { name: 'Backups' });
  await dataRows(page).first().waitFor();
  assert.equal(await table.getAttribute('aria-rowcount'), '10000');
  const domRows = await dataRows(page).count();
  assert.ok(domRows > 5 && domRows < 100, `expected a window of rows, found ${domRows}`);
  await page.getByRole('heading', { name: /Backups \(10,000/ }).waitFor();
  const viewport = page.locator('.viewport');
  await viewport.evaluate((v) => {
    v.scrollTop = v.scrollHeight;
  });
  await page.locator('[role=row][aria-rowindex="10000"]').waitFor();
  await page.locator('[role=row][aria-rowindex="10000"]').isVisible();
  assert.ok((await dataRows(page).count()) < 100);
  await viewport.evaluate((v) => {
    v.scrollTop = v.scrollHeight / 2;
  });
  await page.locator('[role=row][aria-rowindex="5000"]').waitFor();
  await shot(page, 'ten-thousand');
});
