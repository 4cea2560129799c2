// End-to-end with Playwright's _electron: the real app in the real Electron runtime against the
// emulator — tray menu, window security, IPC and events, notifications, close and quit.
// Runs where Electron's binary is installed and a display exists; skips with the reason otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown; // the binary's path, or a throw when it was never downloaded
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function whyNot(): string | null {
  if (!electronBinary()) return "Electron's binary is not installed here (node_modules/electron/path.txt is missing; run node node_modules/electron/install.js)";
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (set DISPLAY, or run under xvfb-run)';
  if (!existsSync(join(root, 'dist/electron/main.js'))) return 'dist/ is not built: run npm run build';
  return null;
}

test('tray, window, IPC, notifications and quit in the real Electron runtime', async (t) => {
  const reason = whyNot();
  if (reason) {
    console.log(`# skipping Electron end-to-end tests: ${reason}`);
    return t.skip(reason);
  }
  const { _electron } = await import('playwright');
  const { startEmulator } = await import('../../emulator/server.js');
  const dir = await mkdtemp(join(tmpdir(), 'pb-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const emulator = await startEmulator({ port: 0, dataDir: join(dir, 'emulator') });
  t.after(() => emulator.close());

  const app = await _electron.launch({
    executablePath: electronBinary()!,
    args: [root, '--no-sandbox'].filter((a) => a !== '--no-sandbox' || process.getuid?.() === 0),
    env: {
      ...(process.env as Record<string, string>), HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), APPDATA: join(dir, 'config'),
      PIECES_BACKUP_E2E: '1', PIECES_BACKUP_SOURCE: 'emulator', PIECES_BACKUP_EMULATOR_URL: emulator.url, PIECES_OS_URL: emulator.url,
    },
    timeout: 20_000,
  });
  t.after(() => app.close().catch(() => {}));

  // Tray: the menu is labelled Emulator and offers the actions.
  const render = async () => app.evaluate(() => (globalThis as any).__piecesBackup?.tray.lastRender() ?? null);
  let tray: any = null;
  for (let i = 0; i < 100 && !tray?.menu?.some((m: any) => m.label === 'Connected to the Emulator'); i++) {
    tray = await render();
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(tray, 'the tray rendered');
  assert.equal(tray.menu[0].label, 'Connected to the Emulator');
  assert.match(tray.tooltip, /^Pieces Backup \(Emulator\)/);
  assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 0, 'no window until asked');

  // Window: opened like a second launch would; sandboxed, isolated, CSP enforced, no Node.
  const windowPromise = app.firstWindow();
  await app.evaluate(({ app: a }) => { a.emit('second-instance'); });
  const page = await windowPromise;
  await page.waitForLoadState('domcontentloaded');
  assert.match(page.url(), /^app:\/\/bundle\/index\.html/);
  // Not in Electron's public types any more, but still answered by the runtime where present.
  const prefs = await app.evaluate(({ BrowserWindow }) => (BrowserWindow.getAllWindows()[0]!.webContents as any).getLastWebPreferences?.() ?? null);
  if (prefs) {
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
  }
  const probe = await page.evaluate(() => {
    const w = window as any;
    let evalBlocked = false;
    try { (0, eval)('1'); } catch { evalBlocked = true; }
    return { require: typeof w.require, process: typeof w.process, bridge: Object.keys(w.piecesBackup ?? {}).sort(), evalBlocked, opened: window.open('https://example.com') === null };
  });
  assert.deepEqual(probe, { require: 'undefined', process: 'undefined', bridge: ['invoke', 'on'], evalBlocked: true, opened: true });
  await page.evaluate(() => { location.href = 'https://example.com/'; });
  await new Promise((r) => setTimeout(r, 300));
  assert.match(page.url(), /^app:\/\/bundle\//, 'navigation away was blocked');

  // IPC: a snapshot at once, bad payloads answered with an error, progress events while a backup runs.
  const snap = await page.evaluate(() => (window as any).piecesBackup.invoke('app:snapshot'));
  assert.equal(snap.ok, true);
  assert.equal(snap.value.connection.source, 'emulator');
  const bad = await page.evaluate(() => (window as any).piecesBackup.invoke('backups:delete', { id: 7 }));
  assert.equal(bad.error.kind, 'invalid-request');
  const phases: string[] = await page.evaluate(() => new Promise((resolve) => {
    const seen: string[] = [];
    const off = (window as any).piecesBackup.on('event:state', (s: any) => {
      seen.push(s.phase);
      if (seen.includes('running') && s.phase !== 'running') { off(); resolve(seen); }
    });
    void (window as any).piecesBackup.invoke('backups:create');
  }));
  assert.ok(phases.includes('running'));

  // Notifications: a failing backup is notified.
  await fetch(new URL('/__emulator/faults', emulator.url), { method: 'POST', body: JSON.stringify({ serverError: true }), headers: { 'content-type': 'application/json' } });
  await page.evaluate(() => (window as any).piecesBackup.invoke('backups:create'));
  let notices: any[] = [];
  for (let i = 0; i < 100 && !notices.some((n) => n.kind === 'failure'); i++) {
    notices = await app.evaluate(() => (globalThis as any).__piecesBackup.shownNotices);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(notices.some((n) => n.kind === 'failure'), 'the failure was notified');

  // Closing the window destroys it; the app stays in the tray; quitting exits.
  await page.close();
  assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 0);
  const closed = new Promise<void>((r) => app.process().once('exit', () => r()));
  await app.evaluate(({ app: a }) => { a.quit(); });
  await closed;
});
