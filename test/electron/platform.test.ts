// The platform fixes of the Electron layer (issue 12), on the recording stand-in typed by
// electron.d.ts: each test drives runApp the way Electron would on that platform.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { createNotifier } from '../../main/electron/notifications.js';
import { loginItemSettings } from '../../main/electron/login-item.js';
import { createStandIn, StandInBrowserWindow, StandInEvent, StandInMenu, StandInNotification, StandInTray } from './electron-standin.js';
import { setup, tick } from './app-rig.js';

const items = (menu: MenuItemConstructorOptions[] | null | undefined): MenuItemConstructorOptions[] =>
  (menu ?? []).flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu as MenuItemConstructorOptions[]) : [])]);

test('macOS: launching the running app again (activate) opens the window', async (t) => {
  const s = await setup(t, { platform: 'darwin' });
  assert.equal(StandInBrowserWindow.instances.length, 0);
  s.app.emit('activate', new StandInEvent(), false);
  assert.equal(StandInBrowserWindow.instances.length, 1);
  s.app.emit('activate', new StandInEvent(), true);
  assert.equal(StandInBrowserWindow.instances.length, 1, 'the same window is brought forward');
  assert.ok(StandInBrowserWindow.instances[0]!.calls.includes('focus'));
});

test('a notification clicked after it closed (timed out into the Action Center) still opens the window', async (t) => {
  const s = await setup(t);
  s.notice({ kind: 'failure', title: 'Backup failed', body: 'PiecesOS is not running.' });
  const n = StandInNotification.instances[0]!;
  n.emit('close', new StandInEvent());
  n.emit('click', new StandInEvent());
  assert.equal(StandInBrowserWindow.instances.length, 1);
});

test('the notifier keeps the last 20 notifications alive, the oldest evicted, one dropped on click', () => {
  const s = createStandIn();
  let clicks = 0;
  const notifier = createNotifier(s.deps, { onClick: () => clicks++ });
  for (let i = 0; i < 25; i++) notifier.show({ kind: 'failure', title: `n${i}`, body: '' });
  assert.equal(notifier.retained(), 20);
  for (const n of StandInNotification.instances.slice(0, 24)) n.emit('close', new StandInEvent());
  assert.equal(notifier.retained(), 20, 'close does not drop them');
  StandInNotification.instances[24]!.emit('click', new StandInEvent());
  assert.equal(clicks, 1);
  assert.equal(notifier.retained(), 19);
});

test('Windows: toasts get an AppUserModelID that works — the installer\'s when packaged, the executable\'s under npm start', async (t) => {
  const dev = await setup(t, { platform: 'win32', execPath: 'C:\\dev\\node_modules\\electron\\dist\\electron.exe' });
  assert.equal(dev.app.userModelId, 'C:\\dev\\node_modules\\electron\\dist\\electron.exe');
  const packaged = await setup(t, { platform: 'win32', packaged: true });
  assert.equal(packaged.app.userModelId, 'app.pieces.backup');
});

test('Linux: launched by hand the window opens (a desktop without a tray host still shows the app); at login (--hidden) it does not', async (t) => {
  await setup(t, { platform: 'linux', hidden: false });
  assert.equal(StandInBrowserWindow.instances.length, 1);
  await setup(t, { platform: 'linux', hidden: true });
  assert.equal(StandInBrowserWindow.instances.length, 0);
  await setup(t, { platform: 'win32', hidden: false });
  assert.equal(StandInBrowserWindow.instances.length, 0, 'Windows always has its tray');
});

test('Linux: the window has a Quit action (its own menu), which quits cleanly', async (t) => {
  const s = await setup(t, { platform: 'linux', hidden: false });
  const w = StandInBrowserWindow.instances[0]!;
  assert.equal(w.options.autoHideMenuBar, false, 'the menu bar is visible, so Quit can be found');
  const quit = items(w.menus.at(-1)).find((i) => i.id === 'quit');
  assert.ok(quit, 'the window menu has Quit');
  assert.equal(quit.accelerator, 'CmdOrCtrl+Q');
  assert.ok(!items(w.menus.at(-1)).some((i) => ['toggleDevTools', 'reload', 'forceReload', 'viewMenu'].includes(String(i.role))));
  let quitEvents = 0;
  s.app.on('quit', () => quitEvents++);
  (quit.click as () => void)();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(s.calls.filter((c) => c.startsWith('stop')), ['stop', 'stopped']);
  assert.equal(quitEvents, 1);
});

test('Linux/macOS shutdown: the shutdown is delayed and the app quits cleanly (a backup in flight is recorded canceled)', async (t) => {
  const s = await setup(t);
  let quitEvents = 0;
  s.app.on('quit', () => quitEvents++);
  const e = new StandInEvent();
  s.deps.powerMonitor.emit('shutdown', e);
  assert.equal(e.defaultPrevented, true, 'Electron delays the shutdown while the app stops');
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(s.calls.filter((c) => c.startsWith('stop')), ['stop', 'stopped']);
  assert.equal(quitEvents, 1);
});

test('no default menu (no DevTools, no Reload) on Windows and Linux; a minimal app menu on macOS (Edit, Quit); no DevTools when packaged', async (t) => {
  for (const platform of ['linux', 'win32'] as const) {
    await setup(t, { platform });
    assert.deepEqual(StandInMenu.applicationMenus, [null], platform);
  }
  await setup(t, { platform: 'darwin' });
  const mac = items(StandInMenu.applicationMenus[0]);
  assert.ok(mac.some((i) => i.role === 'quit'), 'Cmd-Q');
  assert.ok(mac.some((i) => i.role === 'editMenu'), 'copy and paste');
  assert.ok(!mac.some((i) => ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'windowMenu'].includes(String(i.role))));

  const packaged = await setup(t, { platform: 'linux', packaged: true, hidden: false });
  assert.equal(StandInBrowserWindow.instances[0]!.options.webPreferences?.devTools, false);
  void packaged;
});

test('icons: the window and notifications use the app icon (PNG on Linux, ICO on Windows); the Windows tray uses ICOs', async (t) => {
  const linux = await setup(t, { platform: 'linux', hidden: false });
  assert.equal(StandInBrowserWindow.instances[0]!.options.icon, join(linux.dir, 'build', 'icon.png'));
  linux.notice({ kind: 'failure', title: 'x', body: '' });
  assert.equal(StandInNotification.instances[0]!.options.icon, join(linux.dir, 'build', 'icon.png'));

  const linuxPackaged = await setup(t, { platform: 'linux', packaged: true, hidden: false });
  assert.equal(StandInBrowserWindow.instances[0]!.options.icon, join(linuxPackaged.dir, 'resources', 'icon.png'));

  const win = await setup(t, { platform: 'win32' });
  assert.match(StandInTray.instances[0]!.images[0]!, /idle\.ico$/);
  win.events.emit('event:state', { phase: 'error', running: null, pausedUntil: null, lastError: { kind: 'http', message: 'x' }, lastSuccess: null, nextRun: null, retry: null });
  assert.match(StandInTray.instances[0]!.images.at(-1)!, /error\.ico$/);
  win.running.windows.open();
  assert.equal(StandInBrowserWindow.instances[0]!.options.icon, join(win.dir, 'build', 'icon.ico'));
  const winPackaged = await setup(t, { platform: 'win32', packaged: true });
  winPackaged.running.windows.open();
  assert.equal(StandInBrowserWindow.instances[0]!.options.icon, undefined, 'packaged: the executable\'s own icon');

  const mac = await setup(t, { platform: 'darwin' });
  mac.running.windows.open();
  assert.equal(StandInBrowserWindow.instances[0]!.options.icon, undefined, 'macOS: the bundle\'s icon');
  mac.notice({ kind: 'failure', title: 'x', body: '' });
  assert.equal(StandInNotification.instances[0]!.options.icon, undefined);
});

test('start at login: the packaged app only on macOS (never bare Electron); quoted app folder and --hidden on Windows', () => {
  const base = { exec: 'C:\\Program Files\\Pieces Backup\\Pieces Backup.exe', appRoot: 'C:\\My Projects\\pieces backup', autostartDir: '/x' };
  assert.equal(loginItemSettings(true, { ...base, platform: 'darwin', packaged: false }), null);
  assert.deepEqual(loginItemSettings(true, { ...base, platform: 'darwin', packaged: true }), { openAtLogin: true });
  assert.deepEqual(loginItemSettings(true, { ...base, platform: 'win32', packaged: true }), { openAtLogin: true, path: base.exec, args: ['--hidden'] });
  assert.deepEqual(loginItemSettings(false, { ...base, platform: 'win32', packaged: true }), { openAtLogin: false, path: base.exec, args: ['--hidden'] });
  assert.deepEqual(
    loginItemSettings(true, { ...base, exec: 'C:\\dev\\electron.exe', platform: 'win32', packaged: false }),
    { openAtLogin: true, path: 'C:\\dev\\electron.exe', args: ['"C:\\My Projects\\pieces backup"', '--hidden'] },
  );
});

test('start at login in development on macOS registers nothing and says why', async (t) => {
  const s = await setup(t, { platform: 'darwin', packaged: false });
  s.events.emit('event:settings', { ...s.core.current().settings, startAtLogin: true });
  await tick();
  assert.deepEqual(s.app.loginItems, []);
  assert.ok(s.logged.some((m) => /Start at login/.test(m) && /installed app/.test(m)), s.logged.join('\n'));
});

test('a crashed window is reloaded and the reason logged; a crash loop stops reloading; child processes gone are logged', async (t) => {
  const s = await setup(t, { hidden: false });
  const w = StandInBrowserWindow.instances[0]!;
  s.app.emit('render-process-gone', new StandInEvent(), w.webContents, { reason: 'crashed', exitCode: 139 });
  assert.equal(w.webContents.reloads, 1);
  assert.ok(s.logged.some((m) => /crashed/.test(m) && /139/.test(m)), s.logged.join('\n'));
  for (let i = 0; i < 5; i++) s.app.emit('render-process-gone', new StandInEvent(), w.webContents, { reason: 'oom', exitCode: 1 });
  assert.ok(w.webContents.reloads <= 3, `${w.webContents.reloads} reloads`);
  assert.ok(s.logged.some((m) => /not reloaded/.test(m)), s.logged.join('\n'));
  s.app.emit('child-process-gone', new StandInEvent(), { type: 'GPU', reason: 'crashed', exitCode: 9, name: 'GPU' });
  assert.ok(s.logged.some((m) => /GPU/.test(m) && /crashed/.test(m)));
});

test('"Open log" in the tray opens the log file', async (t) => {
  const s = await setup(t);
  const item = items(StandInTray.instances[0]!.menus.at(-1)).find((i) => i.id === 'open-log');
  assert.ok(item, 'the tray menu has Open log');
  (item.click as () => void)();
  assert.deepEqual(s.opened, [join(s.dir, 'config', 'main.log')]);
});
