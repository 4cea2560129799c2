// The window, in real Chromium through the preview transport with the real core and the
// emulator, when its backup has to wait for another Pieces Backup process's backup (a real child
// process holding the real lock of the same settings folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { startLockHolder } from '../helpers/lock-children.js';
import { useRendererBrowser } from '../helpers/renderer-browser.js';

const rig = useRendererBrowser('wait', 'renderer waiting test');
const skipReason = rig.skipReason;

test('Back up now while another process backs up: the window says whose backup it waits for, and the button stays usable', { skip: skipReason ?? false }, async (t) => {
  const emulator = await startEmulator({ port: 0, dataDir: path.join(rig.tmp, 'cloud'), log: () => undefined });
  const configDir = path.join(rig.tmp, 'config');
  const windows = await rig.openPreview(t, { url: emulator.url, emulator, configDir });
  const holder = await startLockHolder(configDir, (fn) => t.after(fn));
  const page = await windows.open();
  const { pageErrors } = windows;

  await page.getByRole('button', { name: 'Back up now' }).click();
  const status = page.getByRole('status').filter({ hasText: `Waiting for the backup started by process ${holder.pid} at ` });
  await status.waitFor();
  // The time as the system writes it (14:02, or 2:02 PM where the clock has 12 hours).
  assert.match((await status.textContent()) ?? '', new RegExp(`process ${holder.pid} at \\d{1,2}:\\d\\d(?:\\s?[AP]M)?\\b`));
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('.run button.primary')?.disabled);
  assert.equal(await page.getByRole('progressbar', { name: 'Backup progress' }).isVisible(), false, 'no progress bar while waiting');
  assert.deepEqual(pageErrors, []);
});
