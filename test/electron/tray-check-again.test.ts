// The tray's new actions reach the core through the real wiring (runApp on the Electron stand-in):
// "Check again" looks for PiecesOS, then lists the backups (a list that succeeds clears "not signed
// in"); a "Back up now" refused because a backup already runs is said in a notification, not dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { setup, snapshot, tick } from './app-rig.js';
import { StandInNotification, StandInTray } from './electron-standin.js';

const item = (id: string, items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
  for (const i of items) {
    if (i.id === id) return i;
    const inner = Array.isArray(i.submenu) ? item(id, i.submenu) : undefined;
    if (inner) return inner;
  }
  return undefined;
};

test('offline: the tray offers "Check again", which checks the connection and then lists the backups', async (t) => {
  const s = await setup(t);
  const tray = StandInTray.instances.at(-1)!;
  assert.equal(item('check-again', tray.menus.at(-1)!), undefined, 'nothing to check while PiecesOS answers');
  s.events.emit('event:connection', { ...snapshot.connection, reachable: false });
  const check = item('check-again', tray.menus.at(-1)!);
  assert.equal(check?.label, 'Check again');
  s.handled.length = 0;
  (check!.click as () => void)();
  await tick();
  // The fake core's list throws: the click still ends quietly (nothing uncaught), logged once.
  assert.deepEqual(s.handled, [['connection:check', undefined], ['backups:list', undefined]]);
});

test('a "Back up now" refused because a backup already runs is notified, with the core\'s sentence', async (t) => {
  const s = await setup(t);
  s.core.handle = async (channel, payload) => {
    s.handled.push([channel, payload]);
    return { ok: false, error: { kind: 'already-running', message: 'A backup is already running; wait for it to finish.' } };
  };
  const before = StandInNotification.instances.length;
  (item('backup-now', StandInTray.instances.at(-1)!.menus.at(-1)!)!.click as () => void)();
  await tick();
  const shown = StandInNotification.instances.slice(before);
  assert.equal(shown.length, 1, 'one notification says why nothing started');
  assert.equal(shown[0]!.options.body, 'A backup is already running; wait for it to finish.');
});

test('the app writes times in the system\'s locale (app.getSystemLocale), which Node alone does not know when launched from a desktop', async (t) => {
  const { StandInApp } = await import('./electron-standin.js');
  const { setTimeStyle, timeStyle } = await import('../../main/shared/time-format.js');
  const proto = StandInApp.prototype as unknown as { getSystemLocale?: () => string };
  proto.getSystemLocale = () => 'en-GB';
  t.after(() => { delete proto.getSystemLocale; setTimeStyle({}); });
  await setup(t);
  assert.equal(timeStyle().locale, 'en-GB');
});
