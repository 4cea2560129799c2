// The backup list at the window's own size (460×640), in real Chromium through the preview, with
// the real core and the emulator seeded with backups from three devices: two-line rows where
// nothing a person needs is cut, this computer's backups marked, a device filter with counts and
// sizes, details with labelled Restore…/Delete…, one Tab stop with the arrow keys inside, focus on
// the next row after a delete, and the progress card saying when this computer was last backed up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright';
import { startEmulator, type Faults, type RunningEmulator } from '../../emulator/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';
import { ROW_HEIGHT } from '../../renderer/views/backups-table.js';

const rig = useRendererBrowser('backup-list', 'backup list tests');
const skip = rig.skipReason ?? false;

const LONG = 'Tsavo’s MacBook Pro (studio, second floor, by the window)';
const THIS = 'test-box';

interface Setup {
  page: Page;
  emulator: RunningEmulator;
  pageErrors: string[];
  /** The IPC channels the page asked for, in order (from its first request). */
  ipc: string[];
}

let dirs = 0;
/** This computer (test-box, Linux: the emulator's own device) with `mine` backups a day ago and
 * older, the long-named Mac with 3, old-laptop (Windows) with 4, 90 days ago. */
async function setup(t: Cleanup, opts: { mine?: number; others?: boolean; extra?: number; faults?: Faults } = {}): Promise<Setup> {
  const base = path.join(rig.tmp, `case-${++dirs}`);
  const emulator = await startEmulator({ port: 0, dataDir: path.join(base, 'cloud'), log: () => undefined, deviceName: THIS, platform: 'LINUX', ...(opts.faults ? { faults: opts.faults } : {}) });
  const mine = opts.mine ?? 5;
  if (mine) await emulator.seed(mine, { deviceName: THIS, startDate: new Date(Date.now() - (mine + 20) * 3_600_000) });
  if (opts.others !== false) {
    await emulator.seed(3, { deviceName: LONG, platform: 'MACOS', startDate: new Date(Date.now() - 10 * 86_400_000) });
    await emulator.seed(4, { deviceName: 'old-laptop', platform: 'WINDOWS', startDate: new Date(Date.now() - 90 * 86_400_000) });
  }
  if (opts.extra) await emulator.seed(opts.extra, { deviceName: 'old-laptop', platform: 'WINDOWS', startDate: new Date(Date.now() - 800 * 86_400_000) });
  const ipc: string[] = [];
  const watch = (page: Page) =>
    page.on('request', (r) => {
      const m = /\/ipc\/([^/?#]+)$/.exec(new URL(r.url()).pathname);
      if (m) ipc.push(decodeURIComponent(m[1]!));
    });
  const { page, pageErrors } = await rig.openWindow(t, { url: emulator.url, emulator, configDir: path.join(base, 'config'), viewport: { width: 460, height: 640 }, actionTimeout: 15_000, readyTimeout: 20_000, watch });
  return { page, emulator, pageErrors, ipc };
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Backups' });
const rows = (page: Page) => grid(page).getByRole('row');
const details = (page: Page) => page.getByRole('dialog', { name: /^Backup from / });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const focusedId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id ?? document.activeElement?.tagName ?? null);
const rowIds = (page: Page) => rows(page).evaluateAll((r) => r.map((x) => (x as HTMLElement).dataset.id ?? ''));
const waitRows = (page: Page, n: number) => page.waitForFunction((k) => document.querySelectorAll('.rows [role=row]').length === k, n, { timeout: 20_000 });
/** Wait until this computer is known to the list (its rows marked). */
const waitMarked = (page: Page) => page.locator('.rows .mine:not([hidden])').first().waitFor({ timeout: 20_000 });

/** What each row in the DOM shows and whether any part of it is cut. */
async function measureRows(page: Page) {
  // (No helper functions inside: the page would not know the test runner's __name wrapper.)
  return page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.rows [role=row]')].map((row) => {
    const [time, mine, device, meta, size, when, what] = ['.time', '.mine', '.device', '.meta', '.size', '.when', '.what'].map((sel) => row.querySelector<HTMLElement>(sel)!) as HTMLElement[];
    return {
      time: time!.textContent, timeCut: time!.scrollWidth > time!.clientWidth + 1,
      meta: meta!.textContent, metaCut: meta!.scrollWidth > meta!.clientWidth + 1,
      device: device!.textContent, deviceCut: device!.scrollWidth > device!.clientWidth + 1,
      size: size!.textContent, sizeCut: size!.scrollWidth > size!.clientWidth + 1,
      twoLines: what!.getBoundingClientRect().top >= when!.getBoundingClientRect().bottom - 1,
      sizeRight: Math.abs(size!.getBoundingClientRect().right - (row.getBoundingClientRect().right - 10)) < 2,
      rowInside: row.getBoundingClientRect().right <= document.documentElement.clientWidth,
      // Nothing runs into the size: the time ends before it, the device line starts below it.
      clear: time!.getBoundingClientRect().right <= size!.getBoundingClientRect().left && size!.getBoundingClientRect().bottom <= what!.getBoundingClientRect().top + 1,
      mineCut: !mine!.hidden && mine!.scrollWidth > mine!.clientWidth + 1,
      title: what!.title,
      height: row.getBoundingClientRect().height,
      mine: !mine!.hidden,
    };
  }));
}

async function cloudIds(emulator: RunningEmulator): Promise<string[]> {
  const res = await fetch(`${emulator.url}/backups`);
  return ((await res.json()) as { iterable: { id: string }[] }).iterable.map((b) => b.id);
}

test('at 460×640 each backup is a two-line row (time with the size on the right, then device · platform · version) with nothing a person needs cut', { skip, timeout: 90_000 }, async (t) => {
  const { page, pageErrors } = await setup(t);
  await waitRows(page, 12);
  await waitMarked(page);
  const layout = await measureRows(page);
  assert.equal(layout.length, 12);
  for (const r of layout) {
    assert.equal(r.timeCut, false, `time not cut: ${r.time}`);
    assert.equal(r.metaCut, false, `platform and version not cut: ${r.meta}`);
    assert.equal(r.sizeCut, false, `size not cut: ${r.size}`);
    assert.ok(r.twoLines, 'device line under the time line');
    assert.ok(r.sizeRight, 'size right-aligned');
    assert.ok(r.rowInside, 'the row fits the window');
    assert.equal(r.height, ROW_HEIGHT, 'the stylesheet’s row height is the one the windowing counts with');
    assert.ok(r.clear, `nothing runs into the size (${r.time})`);
    assert.match(r.size ?? '', /\d (B|KB|MB|GB)$/);
    assert.equal(r.mine, r.device === 'test-box', `"This computer" only on this computer's backups (${r.device})`);
  }
  // Newest first: this computer's today/yesterday, then the Mac 10 days ago, then old-laptop.
  assert.match(layout[0]!.time ?? '', /^(Today|Yesterday), \d/);
  assert.equal(layout[0]!.meta, '\u00a0· Linux · 12.0.0-emulator');
  const mac = layout.find((r) => r.device === LONG)!;
  assert.equal(mac.meta, '\u00a0· macOS · 12.0.0-emulator');
  assert.equal(mac.deviceCut, true, 'the long device name is ellipsized at this width…');
  assert.equal(mac.title, `${LONG} · macOS · PiecesOS 12.0.0-emulator`, '…with its full value in the tooltip');
  assert.deepEqual(pageErrors, []);
  await shot(page, 'backup-list-460');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'backup-list-460-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // At 320 CSS px (e.g. 200 % zoom of a 640 px window) the time and the size are still whole.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.waitForFunction(() => document.documentElement.clientWidth === 320);
  for (const r of await measureRows(page)) {
    assert.equal(r.timeCut, false, `time not cut at 320 px: ${r.time}`);
    assert.equal(r.sizeCut, false, `size not cut at 320 px: ${r.size}`);
    assert.ok(r.rowInside, 'the row fits at 320 px');
    assert.ok(r.clear, `nothing runs into the size at 320 px (${r.time})`);
    assert.equal(r.mineCut, false, '"This computer" whole at 320 px');
  }
  await shot(page, 'backup-list-320');
});

test('10,000 backups: only the visible rows are in the DOM, and scrolling to the end shows the oldest', { skip, timeout: 120_000 }, async (t) => {
  const { page } = await setup(t, { extra: 10_000 - 12 });
  await grid(page).waitFor();
  assert.equal(await grid(page).getAttribute('aria-rowcount'), '10000');
  const inDom = await page.locator('.rows [role=row]').count();
  assert.ok(inDom > 5 && inDom < 40, `rows in the DOM: ${inDom}`);
  await page.evaluate(() => {
    const v = document.querySelector('.viewport')!;
    v.scrollTop = v.scrollHeight;
  });
  await page.waitForFunction(() => document.querySelector('.rows [role=row]:last-child')?.getAttribute('aria-rowindex') === '10000');
  assert.ok((await page.locator('.rows [role=row]').count()) < 40);
});

test('"This computer" comes with the window\'s snapshot: marked, and in the filter, with Settings never opened and no retention dry run asked', { skip, timeout: 90_000 }, async (t) => {
  const { page, ipc, pageErrors } = await setup(t);
  await waitRows(page, 12);
  await waitMarked(page);
  const layout = await measureRows(page);
  for (const r of layout) assert.equal(r.mine, r.device === THIS, `"This computer" only on this computer's backups (${r.device})`);
  const options = await page.getByRole('combobox', { name: 'Show' }).locator('option').allTextContents();
  assert.match(options[1] ?? '', new RegExp(`^This computer, ${THIS} \\(5 backups, `));
  assert.equal(await page.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected'), 'false', 'Settings never opened');
  assert.ok(ipc.includes('app:snapshot'));
  assert.deepEqual(ipc.filter((c) => c === 'retention:preview'), [], 'the window learns this computer from the snapshot, not from a retention dry run');
  assert.deepEqual(pageErrors, []);
});

test('an older PiecesOS that does not name this computer: nothing marked until a backup made here names it, then marked without reopening the window', { skip, timeout: 120_000 }, async (t) => {
  const { page, ipc, pageErrors } = await setup(t, { mine: 2, faults: { noDeviceInformation: true } });
  await waitRows(page, 9);
  assert.equal(await page.locator('.rows .mine:not([hidden])').count(), 0, 'not guessed from the list or the host name');
  await page.getByRole('button', { name: 'Back up now' }).click();
  await waitRows(page, 10);
  await waitMarked(page);
  for (const r of await measureRows(page)) assert.equal(r.mine, r.device === THIS, `"This computer" only on this computer's backups (${r.device})`);
  assert.deepEqual(ipc.filter((c) => c === 'retention:preview'), [], 'no retention dry run asked');
  assert.deepEqual(pageErrors, []);
});

test('a device filter: All, This computer and each other device, with counts and total sizes', { skip, timeout: 90_000 }, async (t) => {
  const { page, pageErrors } = await setup(t);
  await waitRows(page, 12);
  await waitMarked(page);
  const filter = page.getByRole('combobox', { name: 'Show' });
  const options = await filter.locator('option').allTextContents();
  assert.equal(options.length, 4, options.join(' | '));
  assert.match(options[0]!, /^All devices \(12 backups, [\d.]+ MB\)$/);
  assert.match(options[1]!, /^This computer, test-box \(5 backups, [\d.]+ MB\)$/);
  assert.ok(options.some((o) => new RegExp(`^old-laptop \\(4 backups, [\\d.]+ MB\\)$`).test(o)), options.join(' | '));
  assert.ok(options.some((o) => o.startsWith(`${LONG} (3 backups, `)), options.join(' | '));

  await filter.selectOption({ label: options[1]! });
  await waitRows(page, 5);
  const mine = await page.locator('.rows .device').allTextContents();
  assert.deepEqual([...new Set(mine)], ['test-box']);
  await shot(page, 'backup-list-filter-this-computer');

  await filter.selectOption({ label: options.find((o) => o.startsWith('old-laptop'))! });
  await waitRows(page, 4);
  assert.deepEqual([...new Set(await page.locator('.rows .device').allTextContents())], ['old-laptop']);
  assert.equal(await grid(page).getAttribute('aria-rowcount'), '4');

  await filter.selectOption('all');
  await waitRows(page, 12);
  assert.deepEqual(pageErrors, []);
});

test('a row opens its details (id, exact time with zone, device, platform, version, size) with labelled Restore… and Delete…; Escape closes and focus goes back to the row', { skip, timeout: 90_000 }, async (t) => {
  const { page, pageErrors } = await setup(t);
  await waitRows(page, 12);
  await waitMarked(page);
  const mac = rows(page).filter({ hasText: LONG }).first();
  const id = (await mac.getAttribute('data-id'))!;
  await mac.click();
  const dialog = details(page);
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  const fields = await dialog.locator('dt').allTextContents();
  const values = await dialog.locator('dd').allTextContents();
  const field = Object.fromEntries(fields.map((f, i) => [f, values[i]]));
  assert.equal(field.ID, id);
  assert.equal(field.Device, LONG, 'the full device name');
  assert.equal(field.Platform, 'macOS');
  assert.equal(field['PiecesOS version'], '12.0.0-emulator');
  assert.match(field.Size ?? '', /^[\d.]+ MB \([\d,]+ bytes\)$/);
  // The exact time, to the second, with its time zone (the browser runs in the system zone).
  const created = await page.evaluate(async (bid) => {
    const r = await window.piecesBackup!.invoke('backups:list');
    return (r as { ok: true; value: { id: string; created: string }[] }).value.find((b) => b.id === bid)!.created;
  }, id);
  // The whole date, the time to the second and the zone's name, in the page's (the system's) locale.
  const expected = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(new Date(iso)), created);
  assert.equal(field.Made, expected);
  assert.match(field.Made ?? '', /\d:\d\d:\d\d.*(UTC|GMT|[A-Z]{2,5})/);
  // Labelled actions, no bare ✕.
  assert.equal(await dialog.getByRole('button', { name: 'Restore…' }).isVisible(), true);
  assert.equal(await dialog.getByRole('button', { name: 'Delete…' }).isVisible(), true);
  assert.equal(await page.getByText('✕').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'details-title', 'focus moves into the dialog');
  await shot(page, 'backup-details');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'backup-details-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await focusedId(page), id, 'Escape gives focus back to the row');

  // This computer's backup says so in its details; Restore… opens the restore confirmation on top.
  await rows(page).first().click();
  assert.equal(await dialog.locator('dd').nth(1).textContent(), 'test-box (this computer)');
  await dialog.getByRole('button', { name: 'Restore…' }).click();
  const restore = page.getByRole('dialog', { name: 'Restore this backup?' });
  await restore.waitFor();
  await page.keyboard.press('Escape');
  await restore.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Restore…', 'back on Restore… in the details');
  await dialog.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this backup?' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete…', 'back on Delete… in the details');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(pageErrors, []);
});

test('keyboard: the list is one Tab stop; arrows, Home/End and PageUp/PageDown move inside; Enter opens details; after a delete focus goes to the next row (the previous after the last)', { skip, timeout: 120_000 }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t);
  await waitRows(page, 12);
  await waitMarked(page);
  const ids = await rowIds(page);
  // Tab from the Refresh button (and the filter) reaches the list once, on its first row.
  await page.getByRole('combobox', { name: 'Show' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), ids[0]);
  assert.equal(await page.locator('.rows [role=row][tabindex="0"]').count(), 1, 'one row in the Tab order');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedId(page), ids[2]);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focusedId(page), ids[1]);
  await page.keyboard.press('End');
  assert.equal(await focusedId(page), ids[11]);
  await page.keyboard.press('Home');
  assert.equal(await focusedId(page), ids[0]);
  await page.keyboard.press('PageDown');
  const afterPage = await focusedId(page);
  assert.ok(ids.indexOf(afterPage ?? '') > 1, `PageDown moves by a page (on ${afterPage})`);
  await page.keyboard.press('PageUp');
  assert.equal(await focusedId(page), ids[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('.rows [role=row][tabindex="0"]').getAttribute('data-id'), ids[1], 'the tab stop follows');
  // Tab leaves the list (not to the next row); Shift+Tab comes back to the same row.
  await page.keyboard.press('Tab');
  assert.ok(!ids.includes((await focusedId(page)) ?? ''), 'Tab leaves the list');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusedId(page), ids[1]);

  // Enter opens the details; Delete… and the confirmation delete it; focus goes to the next row.
  await page.keyboard.press('Enter');
  await details(page).waitFor();
  await details(page).getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this backup?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await details(page).waitFor({ state: 'hidden' });
  await waitRows(page, 11);
  await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.id === id, ids[2]);
  assert.ok(!(await cloudIds(emulator)).includes(ids[1]!));

  // The last row: focus goes to the one before it.
  await page.keyboard.press('End');
  assert.equal(await focusedId(page), ids[11]);
  await page.keyboard.press('Enter');
  await details(page).getByRole('button', { name: 'Delete…' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await waitRows(page, 10);
  await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.id === id, ids[10]);
  await shot(page, 'backup-list-after-delete');
  assert.deepEqual(pageErrors, []);
});

test('the progress card says when this computer was last backed up, from the list, though this app made none', { skip, timeout: 60_000 }, async (t) => {
  const { page } = await setup(t, { mine: 3 });
  await waitRows(page, 10);
  const status = page.locator('.run .status');
  await status.filter({ hasText: /^Last backup \d+ hours? ago/ }).waitFor({ timeout: 20_000 });
  assert.doesNotMatch((await status.textContent()) ?? '', /made by this app/);
  await shot(page, 'backup-list-progress-last-backup');
});

test('the progress card says this computer has no backup yet when the list holds only other devices’', { skip, timeout: 60_000 }, async (t) => {
  const { page } = await setup(t, { mine: 0 });
  await waitRows(page, 7);
  await page.locator('.run .status').filter({ hasText: /^No backup of this computer yet/ }).waitFor({ timeout: 20_000 });
});
