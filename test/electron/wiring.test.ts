// The Electron wiring (main/electron/app.ts) against the recording stand-in for Electron and a
// fake core: every contract channel gets a handler, windows open with the security flags, the
// session is locked down, events/notices/power/login/quit are wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runApp } from '../../main/electron/app.js';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/security.js';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../main/ipc/contract.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { createStandIn, StandInBrowserWindow, StandInEvent, StandInNotification, StandInTray, StandInWebContents } from './electron-standin.js';
import { fakeCore, setup, snapshot, tick } from './app-rig.js';
import type { MenuItemConstructorOptions } from 'electron';

const trusted = { senderFrame: { url: 'app://bundle/index.html' } };

test('every contract channel has a handler; payloads go to core.handle; foreign senders and throws are answered, not crashed', async (t) => {
  const s = await setup(t);
  assert.deepEqual([...s.handlers.keys()].sort(), [...INVOKE_CHANNELS].sort());
  const h = (c: string) => s.handlers.get(c)! as (event: unknown, payload: unknown) => Promise<any>;
  assert.deepEqual(await h('backups:delete')(trusted, { id: 'b1' }), { ok: true, value: 'answer:backups:delete' });
  assert.deepEqual(s.handled.at(-1), ['backups:delete', { id: 'b1' }]);
  for (const frame of [null, { url: 'https://evil.example/' }, { url: 'file:///etc/passwd' }, { url: 'not a url' }]) {
    const r = await h('app:snapshot')({ senderFrame: frame }, undefined);
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'invalid-request');
  }
  const boom = await h('backups:list')(trusted, undefined);
  assert.equal(boom.ok, false);
  assert.equal(boom.error.kind, 'internal');
  assert.match(boom.error.message, /kaboom/);
  assert.equal(s.calls[0], 'start');
});

test('windows open on demand with the security flags, closing destroys, the tray reopens a fresh one', async (t) => {
  const s = await setup(t);
  assert.equal(StandInBrowserWindow.instances.length, 0, 'no window (no renderer process) until asked');
  StandInTray.instances[0]!.emit('click');
  const w = StandInBrowserWindow.instances[0]!;
  const wp = w.options.webPreferences!;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.preload, join(s.dir, 'dist', 'preload', 'preload.cjs'));
  assert.ok((w.options.width ?? 0) <= 600, 'the window is small');
  assert.deepEqual(w.loaded, ['app://bundle/index.html']);
  w.emit('ready-to-show');
  assert.ok(w.calls.includes('show'));

  s.app.emit('second-instance'); // a second launch shows the same window
  assert.equal(StandInBrowserWindow.instances.length, 1);
  assert.ok(w.calls.includes('focus'));

  assert.ok(s.app.listenerCount('window-all-closed') > 0, 'closing the last window does not quit the tray app');
  w.simulateClose();
  const menu = StandInTray.instances[0]!.menus.at(-1)!;
  (menu.find((i) => i.id === 'open-settings')!.click as () => void)();
  assert.equal(StandInBrowserWindow.instances.length, 2);
  assert.deepEqual(StandInBrowserWindow.instances[1]!.loaded, ['app://bundle/index.html#settings']);
  const title = new StandInEvent();
  StandInBrowserWindow.instances[1]!.emit('page-title-updated', title, 'x');
  assert.equal(title.defaultPrevented, true);
  // On a window that is already open, "Open Backups…" switches its view instead of opening another.
  (StandInTray.instances[0]!.menus.at(-1)!.find((i) => i.id === 'open-backups')!.click as () => void)();
  assert.equal(StandInBrowserWindow.instances.length, 2);
  assert.deepEqual(StandInBrowserWindow.instances[1]!.webContents.sent.filter(([c]) => c === 'event:navigate'), [['event:navigate', { view: 'backups' }]]);
});

test('web contents are hardened and the session is locked down', async (t) => {
  const s = await setup(t);
  const wc = new StandInWebContents();
  s.app.emit('web-contents-created', new StandInEvent(), wc);
  for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    const e = new StandInEvent();
    wc.emit(ev, e, 'https://evil.example/');
    assert.equal(e.defaultPrevented, true, ev);
  }
  assert.deepEqual(wc.windowOpenHandler!({ url: 'https://evil.example/' }), { action: 'deny' });

  let granted: boolean | null = null;
  s.session.permissionRequest!(null, 'notifications', (g: boolean) => (granted = g));
  assert.equal(granted, false);
  assert.equal(s.session.permissionCheck!(null, 'media'), false);
  let headers: Record<string, string[]> = {};
  s.session.headersReceived!({ responseHeaders: { 'X-A': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
  assert.deepEqual(headers['Content-Security-Policy'], [CONTENT_SECURITY_POLICY]);
  assert.deepEqual(headers['X-A'], ['1']);

  assert.deepEqual(s.privileged, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } }]);
  const serve = s.protocolHandlers.get('app')!;
  const ok = await serve(new Request('app://bundle/index.html'));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.match(ok.headers.get('content-type')!, /text\/html/);
  assert.match(await ok.text(), /<title>x<\/title>/);
  for (const bad of ['app://bundle/../secret.txt', 'app://bundle/%2e%2e/secret.txt', 'app://bundle/..%2fsecret.txt', 'app://other/index.html', 'app://bundle/missing.js']) {
    const r = await serve(new Request(bad));
    assert.equal(r.status, 404, bad);
    assert.equal(r.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  }
  assert.ok(!/unsafe-inline|unsafe-eval|https?:/.test(CONTENT_SECURITY_POLICY));
});

test('core events reach the open window; notices show and open the window on click; resume reaches the core', async (t) => {
  const s = await setup(t);
  StandInTray.instances[0]!.emit('click');
  const w = StandInBrowserWindow.instances[0]!;
  for (const ch of EVENT_CHANNELS) s.events.emit(ch, { from: ch });
  assert.deepEqual(w.webContents.sent.map(([c]) => c), EVENT_CHANNELS);
  w.simulateClose();
  s.events.emit('event:state', snapshot.state); // no window: nothing to send, nothing thrown

  s.notice({ kind: 'failure', title: 'Backup failed', body: 'PiecesOS is not running; start it.' });
  const n = StandInNotification.instances[0]!;
  assert.equal(n.shown, true);
  assert.equal(n.options.title, 'Backup failed');
  n.emit('click');
  assert.equal(StandInBrowserWindow.instances.length, 2, 'clicking the notification opened the window');
  StandInNotification.supported = false;
  s.notice({ kind: 'success', title: 'Backed up', body: '' });
  assert.equal(StandInNotification.instances.length, 1);

  s.deps.powerMonitor.emit('resume');
  assert.ok(s.calls.includes('resumed'));
});

test('tray menu actions go to the core; a failed "Back up now" is notified', async (t) => {
  const s = await setup(t);
  const tray = StandInTray.instances[0]!;
  assert.match(tray.tooltips.at(-1)!, /^Pieces Backup\n/);
  assert.match(tray.images.at(-1)!, /idle\.png$/);
  const item = (id: string, items: MenuItemConstructorOptions[] = tray.menus.at(-1)!): MenuItemConstructorOptions | undefined => {
    for (const i of items) {
      if (i.id === id) return i;
      const inner = Array.isArray(i.submenu) ? item(id, i.submenu) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const click = (id: string) => (item(id)!.click as () => void)();
  click('backup-now');
  click('pause-1h');
  click('pause-tomorrow');
  click('resume');
  click('start-at-login');
  await tick();
  assert.deepEqual(s.handled, [
    ['backups:create', undefined], ['pause:set', { until: '1h' }], ['pause:set', { until: 'tomorrow' }], ['pause:resume', undefined],
    ['settings:update', { startAtLogin: true }],
  ]);
  assert.match(StandInNotification.instances[0]!.options.body ?? '', /PiecesOS is not running/);

  // Running: the icon and the menu follow the state.
  s.events.emit('event:state', { ...snapshot.state, phase: 'running', running: { trigger: 'manual', startedAt: new Date().toISOString(), status: 'IN-PROGRESS', percentage: 7 } });
  assert.match(tray.images.at(-1)!, /running\.png$/);
  assert.equal(item('backup-now')!.enabled, false);
  // Progress is in the tooltip; the menu only says a backup is running (it is not rebuilt per tick).
  assert.match(tray.tooltips.at(-1)!, /Backing up… 7 %/);
  assert.ok(tray.menus.at(-1)!.some((i) => i.label === 'Backing up…'));
});

test('start at login follows the setting (Linux autostart entry; login items elsewhere)', async (t) => {
  const s = await setup(t, { packaged: true });
  const file = join(s.dir, 'autostart', 'pieces-backup.desktop');
  await tick();
  assert.equal(existsSync(file), false);
  s.events.emit('event:settings', { ...DEFAULT_SETTINGS, startAtLogin: true });
  await tick();
  assert.match(await readFile(file, 'utf8'), /^Exec="\/opt\/Pieces Backup\/pieces-backup-tray" --hidden$/m);
  s.events.emit('event:settings', { ...DEFAULT_SETTINGS, startAtLogin: false });
  await tick();
  assert.equal(existsSync(file), false);

  const mac = await setup(t, { platform: 'darwin', packaged: true });
  assert.equal(mac.app.dockHidden, true, 'tray-only on macOS');
  assert.equal(StandInTray.instances.at(-1)!.listenerCount('click'), 0, 'on macOS a click opens the menu, not the window');
  mac.events.emit('event:settings', { ...DEFAULT_SETTINGS, startAtLogin: true });
  assert.deepEqual(mac.app.loginItems, [{ openAtLogin: false }, { openAtLogin: true }]);
});

test('quitting stops the core (canceling a run in flight) before the app exits', async (t) => {
  const s = await setup(t);
  let quitEvents = 0;
  s.app.on('quit', () => quitEvents++);
  const menu = StandInTray.instances[0]!.menus.at(-1)!;
  (menu.find((i) => i.id === 'quit')!.click as () => void)();
  assert.equal(quitEvents, 0, 'the first quit is held');
  s.app.quit(); // a second request while stopping is held too
  assert.equal(quitEvents, 0);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(s.calls.filter((c) => c.startsWith('stop')), ['stop', 'stopped']);
  assert.equal(quitEvents, 1, 'then the app quits');
  assert.equal(StandInTray.instances[0]!.destroyed, true);
});

test('a second instance hands over and quits', async () => {
  const s = createStandIn();
  s.deps.app.lock = false;
  const f = fakeCore();
  const r = await runApp(s.deps, {
    platform: 'linux', appRoot: '/nowhere', packaged: false, resourcesPath: '/nowhere', emulator: false,
    execPath: '/usr/lib/electron/electron', hidden: false,
    createCore: () => f.core, loginItem: { exec: 'x', autostartDir: '/nowhere' }, log: () => {},
  });
  assert.equal(r, null);
  assert.equal(s.deps.app.quitCalls, 1);
  assert.deepEqual(f.calls, []);
});

test('the autostart entry quotes its command line per the Desktop Entry spec', async () => {
  const { autostartEntry } = await import('../../main/electron/login-item.js');
  const entry = autostartEntry('/home/a b/Pieces Backup.AppImage', ['--x=1', 'say "hi" 100%']);
  assert.match(entry, /^\[Desktop Entry\]\nType=Application\n/);
  assert.match(entry, /^Exec="\/home\/a b\/Pieces Backup\.AppImage" --x=1 "say \\"hi\\" 100%%"$/m);
});
