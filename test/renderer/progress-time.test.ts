// The progress card in real Chromium through the preview, with the real core and the emulator
// slowed down behind it: a long backup and a long restore show the elapsed time and, once far
// enough along, about how long they have left; the elapsed time ticks while the percentage stands
// still; a backup refused before it started (not signed in) shows its sentence and no bar; and
// "Back up now" is unavailable while another app's backup runs in PiecesOS.
// Screenshots (460 × 640) go to test-artifacts/renderer/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import { ARTIFACTS, useRendererBrowser, type Cleanup } from '../helpers/renderer-browser.js';
import { makeRealBackups } from '../helpers/real-backups.js';

const rig = useRendererBrowser('progress-time', 'progress time window tests');
const skip = rig.skipReason ?? false;

const ELAPSED = /^Elapsed \d+:\d\d$/;
const WITH_LEFT = /^Elapsed \d+:\d\d · (About \d+ minutes? left|Less than a minute left)$/;

let cases = 0;
async function setup(t: Cleanup, opts: { realBackups?: number } & Pick<EmulatorOptions, 'bytesPerSecond' | 'faults'> = {}): Promise<{ page: Page; emulator: RunningEmulator; pageErrors: string[] }> {
  const base = path.join(rig.tmp, `case-${++cases}`);
  const common = { port: 0, dataDir: path.join(base, 'cloud'), log: () => undefined, deviceName: 'test-box', platform: 'LINUX' } as const;
  // Made at full speed by an emulator on the same data folder; the slowed one below lists them.
  if (opts.realBackups) await makeRealBackups(common, opts.realBackups);
  const emulator = await startEmulator({ ...common, ...(opts.bytesPerSecond ? { bytesPerSecond: opts.bytesPerSecond } : {}), ...(opts.faults ? { faults: opts.faults } : {}) });
  const { page, pageErrors } = await rig.openWindow(t, { url: emulator.url, emulator, configDir: path.join(base, 'config'), viewport: { width: 460, height: 640 }, actionTimeout: 30_000, readyTimeout: 30_000 });
  return { page, emulator, pageErrors };
}

const card = (page: Page) => page.getByRole('region', { name: 'Backup now' });
const timing = (page: Page) => card(page).locator('p.run-time');
const statusText = async (page: Page) => (await card(page).getByRole('status').textContent()) ?? '';

/** The card's elapsed line once it matches `re` (polled; slow machines take their time). */
async function timingMatching(page: Page, re: RegExp, what: string): Promise<string> {
  await page.waitForFunction(
    ([src, flags]) => new RegExp(src!, flags).test(document.querySelector('p.run-time:not([hidden])')?.textContent ?? ''),
    [re.source, re.flags],
    { timeout: 60_000 },
  ).catch((e: unknown) => {
    throw new Error(`${what}: the elapsed line never matched ${re} (${(e as Error).message})`);
  });
  return (await timing(page).textContent()) ?? '';
}

test('a slowed backup, then a slowed restore: elapsed time, then about how long is left; gone when each ends', { skip, timeout: 180_000 }, async (t) => {
  // The sample data (about 1 MB) at 100 KB/s: about 10 s for each, the estimate from 3 s on.
  const { page, pageErrors } = await setup(t, { realBackups: 1, bytesPerSecond: 100 * 1024 });
  assert.equal(await timing(page).isVisible(), false, 'nothing runs: no elapsed line');

  await card(page).getByRole('button', { name: 'Back up now' }).click();
  const early = await timingMatching(page, /^Elapsed \d+:\d\d/, 'backup started');
  assert.match(early, /^Elapsed 0:0\d/, early);
  const withLeft = await timingMatching(page, WITH_LEFT, 'backup far enough along');
  assert.match(await statusText(page), /^Backing up… \d+ %$/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'progress-time-left.png') });
  // The elapsed time is not a live region (it changes every second); the status line is.
  assert.equal(await timing(page).getAttribute('role'), null);
  assert.equal(await timing(page).getAttribute('aria-live'), null);
  assert.match(withLeft, WITH_LEFT);
  await card(page).locator('p.run-time').waitFor({ state: 'hidden', timeout: 60_000 });
  await page.waitForFunction(() => /^Backed up/.test(document.querySelector('[aria-label="Backup now"] [role=status]')?.textContent ?? ''), null, { timeout: 30_000 });

  // The backup made before the window opened, restored over the data (without a safety backup,
  // so the run is the restore alone), as the Restore… dialog asks it of the app.
  const id = await page.evaluate(async () => {
    const r = await window.piecesBackup!.invoke('backups:list');
    if (!r.ok) throw new Error(r.error.message);
    return [...r.value].sort((a, b) => a.created.localeCompare(b.created))[0]!.id;
  });
  const started = await page.evaluate((backupId) => window.piecesBackup!.invoke('backups:restore', { id: backupId, safetyBackup: false }), id);
  assert.ok(started.ok, JSON.stringify(started));
  await timingMatching(page, /^Elapsed \d+:\d\d/, 'restore started');
  await timingMatching(page, WITH_LEFT, 'restore far enough along');
  assert.match(await statusText(page), /Restoring/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'progress-time-left-restore.png') });
  await card(page).locator('p.run-time').waitFor({ state: 'hidden', timeout: 60_000 });
  assert.deepEqual(pageErrors, []);
});

test('the elapsed time ticks every second while the percentage stands still, and stops with the run', { skip, timeout: 120_000 }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t, { bytesPerSecond: 1024 * 1024, faults: { stallAtPercent: 20 } });
  await card(page).getByRole('button', { name: 'Back up now' }).click();
  // The emulator holds the backup once it reaches 20 % (before sending that value): no progress
  // value follows, so the window's status line stays as it is.
  for (;;) {
    const st = (await (await fetch(`${emulator.url}/__emulator/state`)).json()) as { running: { percentage: number | null } | null };
    if ((st.running?.percentage ?? 0) >= 20) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.waitForFunction(() => /^Backing up… \d+ %$/.test(document.querySelector('[aria-label="Backup now"] [role=status]')?.textContent ?? ''), null, { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 1000)); // the last value on its way reaches the window
  const stalled = await statusText(page);
  const first = await timingMatching(page, ELAPSED, 'stalled backup');
  // No progress value arrives now: only the window's own ticker can move the elapsed time on.
  await page.waitForFunction((before) => {
    const now = document.querySelector('p.run-time:not([hidden])')?.textContent ?? '';
    return now !== before && /^Elapsed \d+:\d\d$/.test(now);
  }, first, { timeout: 30_000 });
  assert.equal(await statusText(page), stalled, 'still at the same percentage');
  await card(page).getByRole('button', { name: 'Cancel backup' }).click();
  await card(page).locator('p.run-time').waitFor({ state: 'hidden', timeout: 30_000 });
  assert.deepEqual(pageErrors, []);
});

test('a backup refused before it started (not signed in): its sentence, and no progress bar', { skip, timeout: 60_000 }, async (t) => {
  const { page, pageErrors } = await setup(t, { faults: { notSignedIn: true } });
  await card(page).getByRole('button', { name: 'Back up now' }).click();
  const error = card(page).locator('p.error');
  await error.waitFor({ state: 'visible' });
  assert.match((await error.textContent()) ?? '', /sign in/i);
  // The run is over (the button is back) and no bar, red or otherwise, claims it got anywhere.
  await page.waitForFunction(() => !(document.querySelector('[aria-label="Backup now"] button.primary') as HTMLButtonElement | null)?.disabled);
  assert.equal(await card(page).locator('.bar-row').isVisible(), false, 'no bar for a run that never started');
  assert.equal(await card(page).getByRole('progressbar').isVisible(), false);
  await page.screenshot({ path: path.join(ARTIFACTS, 'progress-refused-not-signed-in.png') });
  assert.deepEqual(pageErrors, []);
});

test('"Back up now" is unavailable while another app backs up, and available again after', { skip, timeout: 90_000 }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t, { bytesPerSecond: 400 * 1024 });
  const button = card(page).getByRole('button', { name: 'Back up now' });
  assert.equal(await button.isDisabled(), false);
  // Another client: a plain streamed create, read to its end, not through this app.
  const other = fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text());
  await card(page).getByRole('status').filter({ hasText: /started in another app/ }).waitFor({ timeout: 30_000 });
  assert.equal(await button.isDisabled(), true, 'a click could only be refused');
  await page.screenshot({ path: path.join(ARTIFACTS, 'progress-external-run.png') });
  await other;
  await card(page).getByRole('status').filter({ hasText: /started in another app/ }).waitFor({ state: 'hidden', timeout: 30_000 });
  await page.waitForFunction(() => !(document.querySelector('[aria-label="Backup now"] button.primary') as HTMLButtonElement | null)?.disabled, null, { timeout: 10_000 });
  assert.deepEqual(pageErrors, []);
});

test('a restore refused before it started (its safety backup not signed in): the outcome, and no progress bar', { skip, timeout: 90_000 }, async (t) => {
  const { page, emulator, pageErrors } = await setup(t, { realBackups: 1 });
  const id = await page.evaluate(async () => {
    const r = await window.piecesBackup!.invoke('backups:list');
    if (!r.ok) throw new Error(r.error.message);
    return r.value[0]!.id;
  });
  emulator.setFaults({ notSignedIn: true }); // signed out since the list was read
  const started = await page.evaluate((backupId) => window.piecesBackup!.invoke('backups:restore', { id: backupId, safetyBackup: true }), id);
  assert.ok(started.ok, JSON.stringify(started));
  const outcome = card(page).locator('.outcome');
  await outcome.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match((await outcome.textContent()) ?? '', /safety backup/i);
  assert.equal(await card(page).locator('.bar-row').isVisible(), false, 'no bar for a run that never got anywhere');
  assert.deepEqual(pageErrors, []);
});
