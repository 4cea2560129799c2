// End-to-end with Playwright's _electron: the real app in the real Electron runtime against the
// emulator — the tray and its menu (the window opened by clicking "Open Backups…" in the menu the
// app built), window security, a backup from the window with progress in the tray and the window,
// a failure notification, close, and quitting during a backup (recorded canceled). Screenshots and
// the app's log go to test-artifacts/e2e (CI uploads them). Runs where Electron's binary is
// installed and a display exists (CI: .github/workflows/ci.yml); skips with the reason otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

const artifacts = join(process.env.PIECES_BACKUP_TEST_ARTIFACTS || join(root, 'test-artifacts'), 'e2e');

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
  await mkdir(artifacts, { recursive: true });
  // A few MB at 1 MB/s: a backup lasts long enough to see its progress and to quit during one.
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'data.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
  const emulator = await startEmulator({ port: 0, dataDir: join(dir, 'emulator'), source, bytesPerSecond: 1024 * 1024, log: () => {} });
  t.after(() => emulator.close());
  const configDir = join(dir, 'config', 'Pieces Backup');
  const launch = () => _electron.launch({
    executablePath: electronBinary()!,
    // --hidden: started like a login start, so no window until asked (Linux opens one otherwise).
    args: [root, '--hidden', '--no-sandbox'].filter((a) => a !== '--no-sandbox' || process.getuid?.() === 0),
    env: {
      ...(process.env as Record<string, string>), HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), APPDATA: join(dir, 'config'),
      PIECES_BACKUP_E2E: '1', PIECES_BACKUP_SOURCE: 'emulator', PIECES_BACKUP_EMULATOR_URL: emulator.url, PIECES_OS_URL: emulator.url,
    },
    timeout: 20_000,
  });
  const until = async <T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const app = await launch();
  t.after(() => app.close().catch(() => {}));
  try {
    // The app starts and creates its tray: labelled Emulator, with the actions.
    const render = async () => app.evaluate(() => (globalThis as any).__piecesBackup?.tray.lastRender() ?? null);
    const tray: any = await until(render, (r: any) => r?.menu?.some((m: any) => m.label === 'Demo mode — using the built-in emulator, not your Pieces data'), 'the tray');
    assert.equal(tray.menu[0].label, 'Demo mode — using the built-in emulator, not your Pieces data');
    assert.match(tray.tooltip, /^Pieces Backup \(Emulator\)/);
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 0, 'no window until asked');

    // The window opens from the tray's "Open Backups…", clicked through the menu the app built.
    const windowPromise = app.firstWindow();
    await app.evaluate(() => { (globalThis as any).__piecesBackup.tray.builtMenu().getMenuItemById('open-backups').click(); });
    const page = await windowPromise;
    await page.waitForLoadState('domcontentloaded');
    assert.match(page.url(), /^app:\/\/bundle\/index\.html#backups/);
    await page.screenshot({ path: join(artifacts, '1-window-opened.png') });
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
    const bad = await page.evaluate(() => (window as any).piecesBackup.invoke('backups:delete', { id: 7 }));
    assert.equal(bad.error.kind, 'invalid-request');

    // A backup from the window: progress in the window's bar and in the tray's label (tooltip).
    await page.getByRole('button', { name: 'Back up now' }).click();
    const progressbar = page.getByRole('progressbar', { name: 'Backup progress' });
    await until(async () => Number(await progressbar.getAttribute('aria-valuenow')), (v) => v > 0, 'progress in the window');
    const tooltip = await until(async () => ((await render()) as any)?.tooltip ?? '', (v: string) => /Backing up… \d+ %/.test(v), 'progress in the tray');
    assert.match(tooltip, /Backing up… \d+ %/);
    await page.screenshot({ path: join(artifacts, '2-backing-up.png') });
    await until(render, (r: any) => !/Backing up/.test(r?.tooltip ?? ''), 'the backup to finish', 60_000);
    const history = JSON.parse(await page.evaluate(() => (window as any).piecesBackup.invoke('history:list').then((r: any) => JSON.stringify(r.value))));
    assert.equal(history[0]?.result, 'completed', JSON.stringify(history[0]));

    // A failure is notified (spied in main: the notices the app showed).
    await fetch(new URL('/__emulator/faults', emulator.url), { method: 'POST', body: JSON.stringify({ serverError: true }), headers: { 'content-type': 'application/json' } });
    await page.getByRole('button', { name: 'Back up now' }).click();
    await until(async () => app.evaluate(() => (globalThis as any).__piecesBackup.shownNotices as { kind: string }[]), (n) => n.some((x) => x.kind === 'failure'), 'a failure notification');
    await page.screenshot({ path: join(artifacts, '3-failed.png') });
    await fetch(new URL('/__emulator/faults', emulator.url), { method: 'POST', body: JSON.stringify({ serverError: false }), headers: { 'content-type': 'application/json' } });

    // Closing the window destroys it; the app stays in the tray.
    await page.close();
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 0);

    // Quitting during a backup: it is canceled, recorded as such, and the app exits.
    await app.evaluate(() => { (globalThis as any).__piecesBackup.tray.builtMenu().getMenuItemById('backup-now').click(); });
    await until(render, (r: any) => /Backing up/.test(r?.tooltip ?? ''), 'the second backup to run');
    const closed = new Promise<void>((r) => app.process().once('exit', () => r()));
    await app.evaluate(({ app: a }) => { a.quit(); });
    await closed;
    const lines = (await readFile(join(configDir, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.at(-1).result, 'canceled', JSON.stringify(lines.at(-1)));
  } finally {
    // The app's own log, for CI's artifacts.
    await copyFile(join(configDir, 'main.log'), join(artifacts, 'main.log')).catch(() => undefined);
  }
});
