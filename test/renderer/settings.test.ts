// The Settings tab in real Chromium, through the preview transport, with the real core (engine,
// settings store, client) and the emulator behind it: pause and resume, retention's live dry run
// (another device's backups named), Save confirming what the next backup removes and History
// showing it, the schedule's choices and words, the address field, and unsaved changes on close.
// Screenshots at 460 × 640 go to test-artifacts/renderer/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Page } from 'playwright';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import type { RunningPreview } from '../../main/preview/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';

const rig = useRendererBrowser('settings', 'settings window tests');
const skip = rig.skipReason ?? false;

interface Setup {
  page: Page;
  emulator: RunningEmulator;
  preview: RunningPreview;
  configDir: string;
  pageErrors: string[];
}

let dirs = 0;
async function setup(t: Cleanup, seed: Array<{ count: number; deviceName: string; daysAgo: number }> = []): Promise<Setup> {
  const base = path.join(rig.tmp, `case-${++dirs}`);
  const emulator = await startEmulator({ port: 0, dataDir: path.join(base, 'cloud'), log: () => undefined, deviceName: 'test-box', platform: 'LINUX' });
  for (const s of seed) await emulator.seed(s.count, { deviceName: s.deviceName, startDate: new Date(Date.now() - s.daysAgo * 86_400_000) });
  const configDir = path.join(base, 'config');
  const { page, preview, pageErrors } = await rig.openWindow(t, { url: emulator.url, emulator, configDir, hash: '#settings', viewport: { width: 460, height: 640 }, actionTimeout: 15_000, readyTimeout: 20_000 });
  return { page, emulator, preview, configDir, pageErrors };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const savedSettings = async (configDir: string) => JSON.parse(await readFile(path.join(configDir, 'config.json'), 'utf8')) as Record<string, any>;
const saveStatus = (page: Page) => page.locator('.save-status');
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName ?? '');

async function cloudIds(emulator: RunningEmulator): Promise<string[]> {
  const res = await fetch(`${emulator.url}/backups`);
  return ((await res.json()) as { iterable: { id: string }[] }).iterable.map((b) => b.id);
}

test('pause and resume from the Settings tab, with the tray’s presets', { skip }, async (t) => {
  const { page, configDir, pageErrors } = await setup(t);
  const status = page.locator('.pause-status');
  await status.filter({ hasText: 'Automatic backups are on.' }).waitFor();
  for (const name of ['Pause for 1 hour', 'Pause until tomorrow', 'Pause until resumed']) {
    assert.equal(await page.getByRole('button', { name }).isVisible(), true, name);
  }

  await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
  // An hour from 23:00 is tomorrow: "Paused until tomorrow at 12:03 AM" (a CI run at 23:03 found it).
  await status.filter({ hasText: /^Paused until (tomorrow at )?\d/ }).waitFor();
  const resume = page.getByRole('button', { name: 'Resume', exact: true });
  assert.equal(await resume.isVisible(), true);
  assert.equal(await resume.evaluate((b) => b === document.activeElement), true, 'focus moves to Resume');
  const until = Date.parse((await savedSettings(configDir)).pausedUntil);
  assert.ok(Math.abs(until - Date.now() - 3_600_000) < 120_000, 'paused for about an hour');
  await shot(page, 'settings-paused');

  await resume.click();
  await status.filter({ hasText: 'Automatic backups are on.' }).waitFor();
  assert.equal((await savedSettings(configDir)).pausedUntil, null);

  await page.getByRole('button', { name: 'Pause until tomorrow' }).click();
  await status.filter({ hasText: 'Paused until tomorrow' }).waitFor();
  await resume.click();
  await page.getByRole('button', { name: 'Pause until resumed' }).click();
  await status.filter({ hasText: /paused until you resume/ }).waitFor();
  assert.equal((await savedSettings(configDir)).pausedUntil, 'resume');
  assert.equal(await saveStatus(page).textContent(), '', 'pausing is no unsaved edit of the form');
  assert.deepEqual(pageErrors, []);
});

test('retention: the dry run follows the fields, warns about other devices by name, Save says what the next backup removes, History shows it', { skip, timeout: 90_000 }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t, [
    { count: 3, deviceName: 'test-box', daysAgo: 10 },
    { count: 2, deviceName: 'desk-pc', daysAgo: 20 },
  ]);
  await page.getByRole('checkbox', { name: 'Delete old backups automatically' }).check();
  await page.getByRole('spinbutton', { name: 'Keep the newest (backups of each device)' }).fill('1');
  // No button to press: the dry run answers as the fields change. The next backup is this
  // computer's newest, so all three older ones of this computer go.
  const out = page.locator('.retention-preview');
  await out.getByText('With these settings the next backup would remove 3 older backups:').waitFor();
  assert.equal(await out.locator('.warning').count(), 0, 'no other device is touched');
  assert.equal(await page.getByRole('list', { name: 'Backups retention would delete' }).getByRole('listitem').count(), 3);

  await page.getByRole('checkbox', { name: 'Also delete backups made by other devices' }).check();
  await out.getByText('With these settings the next backup would remove 4 older backups:').waitFor();
  assert.match((await out.locator('.warning').textContent()) ?? '', /this would delete 1 of “desk-pc”/);
  await shot(page, 'settings-retention-other-devices');
  assert.equal((await cloudIds(emulator)).length, 5, 'a dry run deletes nothing');

  await page.getByRole('button', { name: 'Save settings' }).click();
  await saveStatus(page).filter({ hasText: 'Saved. The next backup will remove 4 older backups.' }).waitFor();
  await shot(page, 'settings-retention-saved');

  const before = await cloudIds(emulator);
  await page.getByRole('tab', { name: 'Backups' }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  const removed = page.locator('.history details.removed');
  await removed.getByText('removed 4').waitFor({ timeout: 30_000 });
  const after = await cloudIds(emulator);
  const gone = before.filter((id) => !after.includes(id));
  assert.equal(gone.length, 4);
  await removed.locator('summary').click();
  const listed = await page.getByRole('list', { name: 'Backups retention removed' }).getByRole('listitem').allTextContents();
  assert.deepEqual(listed.sort(), gone.sort(), 'the expanded run lists the ids it removed');
  await shot(page, 'history-removed');

  // Nothing older is left to remove: Save says so.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('checkbox', { name: 'Notify when a backup succeeds' }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await saveStatus(page).filter({ hasText: 'Saved. The next backup will remove 2 older backups.' }).or(saveStatus(page).filter({ hasText: 'Saved. The next backup will remove 1 older backup.' })).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('schedule: every N hours offers only divisors of 24 and says why; a custom cron is described in words, with a note when more often than hourly', { skip }, async (t) => {
  const { page, pageErrors } = await setup(t);
  await page.getByLabel('Back up', { exact: true }).selectOption('every-n-hours');
  const hours = page.getByRole('combobox', { name: 'Every how many hours' });
  const offered = await hours.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.deepEqual(offered, ['1', '2', '3', '4', '6', '8', '12']);
  assert.match((await hours.getAttribute('aria-describedby')) ?? '', /-hint/);
  await page.getByText('Only hours that divide the day evenly, so backups stay the same time apart across midnight.').waitFor();
  await hours.selectOption('8');
  await page.locator('#schedule-description').filter({ hasText: 'Every 8 hours' }).waitFor();
  await shot(page, 'settings-every-n-hours');

  await page.getByLabel('Back up', { exact: true }).selectOption('custom');
  const cron = page.getByRole('textbox', { name: 'Cron expression' });
  await cron.fill('*/20 * * * *');
  await page.locator('#schedule-description').filter({ hasText: /^Every 20 minutes/ }).waitFor();
  assert.doesNotMatch((await page.locator('#schedule-description').textContent()) ?? '', /\*\/20/, 'described, not echoed');
  await page.locator('#schedule-preview .note').filter({ hasText: /^Runs more often than once an hour: / }).waitFor();
  await shot(page, 'settings-cron-words');

  await cron.fill('30 2 * * 1-5');
  await page.locator('#schedule-description').filter({ hasText: /Monday through Friday/ }).waitFor();
  assert.equal(await page.locator('#schedule-preview .note').isVisible(), false);

  await cron.fill('61 * * * *');
  await page.locator('#schedule-description').filter({ hasText: /not a valid cron expression.*minute/ }).waitFor();
  assert.equal(await cron.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(pageErrors, []);
});

test('the PiecesOS address accepts host:port and adds http://; an invalid one is marked, described and focused on Save', { skip }, async (t) => {
  const { page, emulator, configDir, pageErrors } = await setup(t);
  await page.getByRole('checkbox', { name: 'Find PiecesOS automatically' }).uncheck();
  const url = page.getByRole('textbox', { name: 'PiecesOS URL' });
  await url.fill('http://192.168.1.9:39300');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await saveStatus(page).filter({ hasText: /^Not saved: This address cannot be used/ }).waitFor();
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  assert.equal(await focusedId(page), await url.getAttribute('id'), 'the invalid field has focus');
  const describedBy = ((await url.getAttribute('aria-describedby')) ?? '').split(' ');
  const messages = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
  assert.ok(messages.some((m) => /loopback/.test(m ?? '')), `the message is tied to the field: ${messages.join(' | ')}`);
  await shot(page, 'settings-url-invalid');

  const hostPort = emulator.url.replace(/^http:\/\//, '');
  await url.fill(hostPort);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await saveStatus(page).filter({ hasText: /^Saved\./ }).waitFor();
  assert.equal(await url.inputValue(), `http://${hostPort}`);
  assert.equal(await url.getAttribute('aria-invalid'), null);
  assert.equal((await savedSettings(configDir)).piecesOsUrl, `http://${hostPort}`);
  assert.deepEqual(pageErrors, []);
});

test('closing the window with unsaved changes asks first; after Save it closes without asking', { skip }, async (t) => {
  const { page } = await setup(t);
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.type());
    void d.dismiss(); // stay on the page
  });
  await page.getByRole('checkbox', { name: 'Start at login' }).check();
  await page.close({ runBeforeUnload: true });
  await waitFor(() => asked.length > 0);
  assert.deepEqual(asked, ['beforeunload']);
  assert.equal(page.isClosed(), false, 'dismissing keeps the window open');

  await page.getByRole('button', { name: 'Save settings' }).click();
  await saveStatus(page).filter({ hasText: /^Saved\./ }).waitFor();
  const closed = new Promise<void>((resolve) => page.once('close', () => resolve()));
  await page.close({ runBeforeUnload: true });
  await closed;
  assert.deepEqual(asked, ['beforeunload'], 'nothing unsaved: no question');
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
