// Restoring from the window, in real Chromium through the preview transport, with the real core
// (engine, settings, client) and the emulator restoring for real behind it: the Restore… dialog
// (names, focus, Escape, another device's backup), a full restore through both phases, cancel
// mid-restore, and failures. The emulator's local database is its `sample-db` folder: a marker
// file written there after the backup was made tells whether a restore replaced the data or kept
// it. Screenshots go to test-artifacts/renderer/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Page } from 'playwright';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import type { RunningPreview } from '../../main/preview/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';
import { makeRealBackups } from '../helpers/real-backups.js';

const rig = useRendererBrowser('restore', 'restore window tests');
const skipReason = rig.skipReason;
const skip = skipReason ?? false;

interface Setup {
  page: Page;
  emulator: RunningEmulator;
  preview: RunningPreview;
  /** The emulator's local database (what a restore replaces). */
  localDb: string;
  pageErrors: string[];
}

interface SetupOptions {
  /** Real backups made (fast) before the window opens, by an emulator on the same data folder. */
  realBackups?: number;
  /** Metadata-only backups of another device. */
  seedOtherDevice?: { count: number; deviceName: string; platform: string };
  /** Speed of the emulator the window talks to (restores and safety backups). */
  bytesPerSecond?: number;
  faults?: EmulatorOptions['faults'];
}

let dirs = 0;
async function setup(t: Cleanup, opts: SetupOptions = {}): Promise<Setup> {
  const base = path.join(rig.tmp, `case-${++dirs}`);
  const dataDir = path.join(base, 'cloud');
  const common = { port: 0, dataDir, log: () => undefined, deviceName: 'test-box', platform: 'LINUX' } as const;
  // Made at full speed; the list survives the restart below.
  if (opts.realBackups) await makeRealBackups(common, opts.realBackups);
  const emuOpts: EmulatorOptions = { ...common };
  if (opts.bytesPerSecond) emuOpts.bytesPerSecond = opts.bytesPerSecond;
  if (opts.faults) emuOpts.faults = opts.faults;
  const emulator = await startEmulator(emuOpts);
  if (opts.seedOtherDevice) {
    const { count, deviceName, platform } = opts.seedOtherDevice;
    await emulator.seed(count, { deviceName, platform, startDate: new Date(Date.now() - 90 * 86_400_000) });
  }
  const { page, preview, pageErrors } = await rig.openWindow(t, { url: emulator.url, emulator, configDir: path.join(base, 'config') });
  return { page, emulator, preview, localDb: path.join(dataDir, 'sample-db'), pageErrors };
}

const dataRows = (page: Page) => page.getByRole('grid', { name: 'Backups' }).getByRole('row');
/** A row's details (a dialog), where its Restore… and Delete… are. */
const detailsOf = (page: Page) => page.getByRole('dialog', { name: /^Backup from / });
/** The id of the focused row, if a row has the focus. */
const focusedRow = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id ?? null);
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const dialogOf = (page: Page) => page.getByRole('dialog', { name: 'Restore this backup?' });
const statusLine = (page: Page) => page.locator('.run .status');

/** Every text the status line shows, in order, from now on (read back with `seenStatus`). */
async function recordStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    const node = document.querySelector('.run .status')!;
    new MutationObserver(() => {
      const text = node.textContent ?? '';
      if (seen[seen.length - 1] !== text) seen.push(text);
    }).observe(node, { childList: true, characterData: true, subtree: true });
  });
}
const seenStatus = (page: Page) => page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);

/** What the focused element is called (its aria-label, else its text). */
const focusedName = (page: Page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? a.getAttribute('aria-label') ?? a.textContent ?? '' : '';
});

async function cloudIds(emulator: RunningEmulator): Promise<string[]> {
  const res = await fetch(`${emulator.url}/backups`);
  return ((await res.json()) as { iterable: { id: string }[] }).iterable.map((b) => b.id);
}

/** Open the Restore… dialog of a row (from its details, opened unless they already are);
 * answers the name of the button focus goes back to. */
async function openRestore(page: Page, row = 0): Promise<string> {
  if (!(await detailsOf(page).isVisible())) await dataRows(page).nth(row).click();
  const button = detailsOf(page).getByRole('button', { name: 'Restore…' });
  await button.click();
  await dialogOf(page).waitFor();
  return 'Restore…';
}

test('every backup offers Restore…; the dialog says what a restore replaces, focuses Cancel, and Escape or Cancel gives focus back to the row', { skip }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t, { realBackups: 1 });
  await dataRows(page).first().waitFor();
  assert.equal(await dataRows(page).first().locator('.device').textContent(), 'test-box');
  const size = (await dataRows(page).first().locator('.size').textContent())!;

  const name = await openRestore(page);
  const dialog = dialogOf(page);
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  const text = (await dialog.textContent()) ?? '';
  assert.match(text, /This replaces the Pieces data on this computer with the backup from test-box, .+, [\d.]+ (B|KB|MB|GB)\./);
  assert.ok(text.includes(`, ${size}.`), text);
  assert.ok(text.includes('Everything saved in Pieces since then is replaced'), text);
  const description = await dialog.evaluate((d) => (d.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
  assert.match(description, /replaces the Pieces data on this computer/, 'the dialog is described by what it does');
  const safety = dialog.getByRole('checkbox', { name: 'Back up the current data first' });
  assert.equal(await safety.isChecked(), true, 'the safety backup is on by default');
  const restore = dialog.getByRole('button', { name: 'Restore', exact: true });
  assert.match((await restore.getAttribute('class')) ?? '', /danger/, 'Restore is styled as destructive');
  assert.equal(await focusedName(page), 'Cancel', 'Cancel has the focus');
  // Our own device's backup: the lookup of this computer ends without a note about another device.
  await page.waitForSelector('dialog[data-owner="this"]');
  assert.equal(await dialog.getByText(/made on another computer/).count(), 0);
  await shot(page, 'restore-dialog');

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await focusedName(page), name, 'Escape gives focus back to Restore… in the row’s details');

  await openRestore(page);
  await safety.uncheck();
  await dialog.getByText(/cannot be brought back/).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await focusedName(page), name, 'Cancel gives focus back to Restore… in the row’s details');
  // Reopened, the checkbox starts from the setting again, and nothing ran.
  await openRestore(page);
  assert.equal(await safety.isChecked(), true);
  await page.keyboard.press('Escape');
  assert.equal((await cloudIds(emulator)).length, 1);
  assert.deepEqual(pageErrors, []);
});

test('a backup from another computer can be restored, and the dialog says whose it is', { skip }, async (t) => {
  const { page } = await setup(t, { realBackups: 1, seedOtherDevice: { count: 2, deviceName: 'old-laptop', platform: 'MACOS' } });
  await dataRows(page).nth(2).waitFor();
  const other = dataRows(page).filter({ hasText: 'old-laptop' }).first();
  await other.click();
  await detailsOf(page).getByRole('button', { name: 'Restore…' }).click();
  const dialog = dialogOf(page);
  await dialog.waitFor();
  const note = dialog.getByText(/^This backup was made on another computer/);
  await note.waitFor();
  assert.equal(await note.textContent(), 'This backup was made on another computer, “old-laptop” (macOS), not on this one (“test-box”). Restoring it brings that computer’s Pieces data here, as when moving to a new computer.');
  assert.equal(await dialog.getByRole('button', { name: 'Restore', exact: true }).isEnabled(), true, 'another device’s backup may be restored');
  assert.equal(await page.getAttribute('dialog.restore', 'data-owner'), 'other');
  await shot(page, 'restore-dialog-other-device');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

test('the safety backup checkbox starts from the safetyBackupBeforeRestore setting', { skip }, async (t) => {
  const { page } = await setup(t, { realBackups: 1 });
  const saved = await page.evaluate(() => window.piecesBackup!.invoke('settings:update', { safetyBackupBeforeRestore: false } as never));
  assert.equal((saved as { ok: boolean }).ok, true, JSON.stringify(saved));
  await openRestore(page);
  assert.equal(await dialogOf(page).getByRole('checkbox', { name: 'Back up the current data first' }).isChecked(), false);
});

test('a full restore: the safety backup, then the restore, with progress and Cancel, then which backup is in place', { skip }, async (t) => {
  // ~2.4 MB of sample data at 2 MB/s: each phase streams for about a second.
  const { page, emulator, localDb, pageErrors } = await setup(t, { realBackups: 1, bytesPerSecond: 2 * 1024 * 1024 });
  const marker = path.join(localDb, 'saved-after-the-backup.txt');
  await writeFile(marker, 'made after the backup, so the restore replaces it');
  await dataRows(page).first().waitFor();
  const restoredId = await dataRows(page).first().getAttribute('data-id');
  await openRestore(page);
  await recordStatus(page);
  await dialogOf(page).getByRole('button', { name: 'Restore', exact: true }).click();
  await dialogOf(page).waitFor({ state: 'hidden' });

  const cancel = page.getByRole('button', { name: 'Cancel restore' });
  await cancel.waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Cancel restore');
  assert.equal(await page.getByRole('button', { name: 'Back up now' }).isDisabled(), true, 'no backup while restoring');
  assert.equal(await page.locator('dialog.details').getByRole('button', { name: 'Restore…', includeHidden: true }).isDisabled(), true, 'no second restore');
  await statusLine(page).filter({ hasText: /^Restoring… \d+ %$/ }).waitFor({ timeout: 20_000 });
  await shot(page, 'restore-running');
  await page.getByRole('status').filter({ hasText: /^Restore complete: / }).waitFor({ timeout: 30_000 });

  const seen = await seenStatus(page);
  const safetyAt = seen.findIndex((s) => /^Making a safety backup… \d+ %$/.test(s));
  const restoreAt = seen.findIndex((s) => /^Restoring… \d+ %$/.test(s));
  assert.ok(safetyAt >= 0, `the safety backup's progress showed: ${seen.join(' | ')}`);
  assert.ok(restoreAt > safetyAt, `then the restore's: ${seen.join(' | ')}`);
  assert.ok(seen.some((s) => /^Restoring… ([1-9]|[1-9]\d) %$/.test(s)), `intermediate restore progress: ${seen.join(' | ')}`);
  assert.match((await statusLine(page).textContent()) ?? '', new RegExp(`^Restore complete: the backup from test-box, .+, [\\d.]+ (B|KB|MB|GB) is now in place\\.$`));
  await page.getByText(/What you had before is kept in the safety backup/).waitFor();
  assert.equal(existsSync(marker), false, 'the local data is now the backup’s');
  // The safety backup is in the list, the buttons are usable again, focus is back on the row.
  await page.waitForFunction(() => document.querySelectorAll('.rows [role=row]').length === 2);
  assert.equal((await cloudIds(emulator)).length, 2);
  assert.equal(await page.getByRole('button', { name: 'Back up now' }).isEnabled(), true);
  assert.equal(await focusedRow(page), restoredId, 'focus went back to the restored backup’s row');
  await shot(page, 'restore-done');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('list', { name: 'Backup history' }).getByText(/^Restore/).first().waitFor();
  assert.deepEqual(pageErrors, []);
});

test('Cancel mid-restore: the restore stops and the window says the original data was kept', { skip }, async (t) => {
  // Slow enough (~2.4 MB at 256 KB/s) that the restore is surely still running when Cancel is pressed.
  const { page, localDb } = await setup(t, { realBackups: 1, bytesPerSecond: 256 * 1024 });
  const marker = path.join(localDb, 'saved-after-the-backup.txt');
  await writeFile(marker, 'kept when the restore is canceled');
  await dataRows(page).first().waitFor();
  const restoredId = await dataRows(page).first().getAttribute('data-id');
  await openRestore(page);
  // Straight to the restore (the payload carries the choice).
  await dialogOf(page).getByRole('checkbox', { name: 'Back up the current data first' }).uncheck();
  await dialogOf(page).getByRole('button', { name: 'Restore', exact: true }).click();
  await statusLine(page).filter({ hasText: /^Restoring… ([1-9]|[1-9]\d) %$/ }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Cancel restore' }).click();
  await page.getByRole('status').filter({ hasText: 'Restore canceled: your original data was kept.' }).waitFor({ timeout: 20_000 });
  assert.equal(existsSync(marker), true, 'the original data is still there');
  assert.equal(await page.getByRole('button', { name: 'Cancel restore' }).isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Back up now' }).isEnabled(), true);
  assert.equal(await focusedRow(page), restoredId, 'focus went back to the restored backup’s row');
  await shot(page, 'restore-canceled');
});

test('failures: a failed safety backup starts no restore and offers one without it; a failed restore keeps the original data', { skip }, async (t) => {
  const { page, emulator, localDb } = await setup(t, { realBackups: 1 });
  const marker = path.join(localDb, 'saved-after-the-backup.txt');
  await writeFile(marker, 'kept when the restore fails');
  await dataRows(page).first().waitFor();
  emulator.setFaults({ failAtPercent: 40 });

  await openRestore(page);
  await dialogOf(page).getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^The restore did not start: the safety backup of your current data failed\./ }).waitFor({ timeout: 20_000 });
  const detail = page.locator('.outcome-detail');
  assert.match((await detail.textContent()) ?? '', /failed at \d+ ?%/, 'the server’s reason is shown');
  assert.equal(existsSync(marker), true);
  await shot(page, 'restore-safety-failed');

  await page.getByRole('button', { name: 'Restore without a safety backup…' }).click();
  await dialogOf(page).waitFor();
  assert.equal(await dialogOf(page).getByRole('checkbox', { name: 'Back up the current data first' }).isChecked(), false);
  await dialogOf(page).getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'The restore failed: your original data was kept.' }).waitFor({ timeout: 20_000 });
  assert.match((await detail.textContent()) ?? '', /failed at \d+ ?%/, 'the server’s reason is shown');
  assert.equal(existsSync(marker), true, 'the original data is still there');
  assert.equal((await cloudIds(emulator)).length, 1, 'no safety backup was made');
  await shot(page, 'restore-failed');
});

test('Cancel works for a backup too: the backup stops, nothing is added, and the window says it was canceled', { skip }, async (t) => {
  const { page, emulator } = await setup(t, { realBackups: 1, bytesPerSecond: 256 * 1024 });
  await dataRows(page).first().waitFor();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await statusLine(page).filter({ hasText: /^Backing up… ([1-9]|[1-9]\d) %$/ }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Cancel backup' }).click();
  await page.locator('.run .error').filter({ hasText: /cancel/i }).waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('.run button.primary')?.disabled);
  assert.equal(await page.getByRole('button', { name: 'Cancel backup' }).isVisible(), false);
  assert.equal(await focusedName(page), 'Back up now', 'focus left the hidden Cancel for Back up now');
  assert.equal((await cloudIds(emulator)).length, 1, 'no backup was added');
  await shot(page, 'backup-canceled');
});

test('server text in the dialog and the outcome stays text', { skip }, async (t) => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  const { page } = await setup(t, { realBackups: 1, seedOtherDevice: { count: 1, deviceName: evil, platform: 'WINDOWS' } });
  await dataRows(page).nth(1).waitFor();
  await dataRows(page).filter({ hasText: evil }).click();
  await detailsOf(page).getByRole('button', { name: 'Restore…' }).click();
  await dialogOf(page).getByText(/^This backup was made on another computer/).waitFor();
  assert.ok(((await dialogOf(page).textContent()) ?? '').includes(evil));
  assert.equal(await page.locator('dialog img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});

test('the outcome wording for endings the emulator cannot stage: canceled during the safety backup, a failure without a message', async () => {
  const { restoreOutcome } = await import('../../renderer/restore-text.js');
  const base = { trigger: 'restore' as const, startedAt: '2026-11-28T10:00:00Z', finishedAt: '2026-11-28T10:01:00Z' };
  const canceled = restoreOutcome({ ...base, result: 'canceled', phase: 'safety-backup' }, null);
  assert.equal(canceled.ok, false);
  assert.match(canceled.title, /nothing was restored, and your Pieces data is unchanged/);
  assert.equal(canceled.offerWithoutSafety, false, 'a person who canceled is not pushed to restore without a safety backup');
  const failed = restoreOutcome({ ...base, result: 'failed', phase: 'restore' }, null);
  assert.equal(failed.title, 'The restore failed: your original data was kept.');
  assert.match(failed.detail, /puts the original data back/);
  const done = restoreOutcome({ ...base, result: 'completed', backupId: 'b1' }, { id: 'b1', deviceName: 'old-laptop', created: 'not a date', bytes: 2_000_000 });
  assert.equal(done.title, 'Restore complete: the backup from old-laptop, not a date, 2 MB is now in place.');
  assert.doesNotMatch(done.detail, /safety backup/, 'no safety backup is claimed when none was made');
});
