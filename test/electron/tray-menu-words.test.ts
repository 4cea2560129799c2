// The tray menu's words and the actions people reach for (issue 11): Resume at the top level when
// paused, Check again when offline or signed out, Back up now saying a backup already runs, the
// demo-mode line, error lines cut at a word and without error codes, times in the locale's clock.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, statusLines, toMenuTemplate, trayTooltip, type TrayAction, type TrayMenuItem } from '../../main/electron/tray-menu.js';
import { setTimeStyle } from '../../main/shared/time-format.js';
import type { ConnectionInfo, EngineState } from '../../main/engine/types.js';
import { at, conn, idle, now, settings } from '../helpers/tray-states.js';

const menuOf = (state: EngineState, connection: ConnectionInfo | null = conn, emulator = false): TrayMenuItem[] => buildTrayMenu({ state, settings, connection, now, emulator });
const top = (items: TrayMenuItem[]): string[] => items.filter((i) => i.label && !i.id?.startsWith('status-')).map((i) => i.label!);
const byId = (items: TrayMenuItem[], id: string): TrayMenuItem | undefined => items.find((i) => i.id === id);

afterEach(() => setTimeStyle({}));

test('paused: "Resume automatic backups" is a top-level item (as well as inside the Pause submenu); not shown when not paused', () => {
  for (const pausedUntil of [at(9, 0, 1), 'resume']) {
    const menu = menuOf({ ...idle, pausedUntil, nextRun: null });
    assert.deepEqual(byId(menu, 'resume-top'), { id: 'resume-top', label: 'Resume automatic backups', action: 'resume' });
    assert.ok(top(menu).indexOf('Resume automatic backups') < top(menu).indexOf('Pause automatic backups'), top(menu).join(' | '));
  }
  assert.equal(byId(menuOf(idle), 'resume-top'), undefined);
  // Its click is the same resume as the submenu's.
  const seen: TrayAction[] = [];
  const tpl = toMenuTemplate(menuOf({ ...idle, pausedUntil: 'resume' }), (a) => seen.push(a));
  (tpl.find((t) => t.id === 'resume-top')?.click as unknown as () => void)();
  assert.deepEqual(seen, ['resume']);
});

test('offline or not signed in: a "Check again" item; none while all is well or while a backup runs', () => {
  const offline = menuOf({ ...idle, phase: 'offline' }, { ...conn, reachable: false });
  assert.deepEqual(byId(offline, 'check-again'), { id: 'check-again', label: 'Check again', action: 'check-again' });
  assert.ok(byId(menuOf(idle, { ...conn, reachable: false }), 'check-again'), 'an unreachable connection alone is enough');
  const signedOut: EngineState = { ...idle, phase: 'error', lastError: { kind: 'not-signed-in', message: 'PiecesOS refused the request because Pieces is not signed in or not connected to the Pieces cloud. Sign in to Pieces and connect to the cloud, then try again.' } };
  assert.ok(byId(menuOf(signedOut), 'check-again'));
  assert.equal(byId(menuOf(idle), 'check-again'), undefined);
  assert.equal(byId(menuOf({ ...idle, phase: 'error', lastError: { kind: 'http', message: 'PiecesOS answered HTTP 500.' } }), 'check-again'), undefined);
  const seen: TrayAction[] = [];
  (toMenuTemplate(offline, (a) => seen.push(a)).find((t) => t.id === 'check-again')?.click as unknown as () => void)();
  assert.deepEqual(seen, ['check-again']);
});

test('"Back up now" while another app runs a backup or restore in PiecesOS: a disabled item that says so', () => {
  const backup = menuOf({ ...idle, external: { kind: 'backup', percentage: 30 } });
  assert.deepEqual(byId(backup, 'backup-now'), { id: 'backup-now', label: 'A backup is already running — started in another app', enabled: false });
  const restore = menuOf({ ...idle, external: { kind: 'restore', percentage: null } });
  assert.equal(byId(restore, 'backup-now')?.label, 'A restore is already running — started in another app');
  assert.deepEqual(byId(menuOf(idle), 'backup-now'), { id: 'backup-now', label: 'Back up now', enabled: true, action: 'backup-now' });
});

test('"Back up now" while another Pieces Backup process holds the lock names it and when it started, in the locale\'s clock', () => {
  setTimeStyle({ locale: 'en-US' });
  const waiting: EngineState = { ...idle, phase: 'waiting', waiting: { trigger: 'manual', since: at(14, 3), heldBy: { pid: 4242, since: at(14, 2) } } };
  assert.equal(byId(menuOf(waiting), 'backup-now')?.label, 'A backup is already running — started by process 4242 at 2:02 PM');
  const unknown: EngineState = { ...waiting, waiting: { ...waiting.waiting!, heldBy: { pid: 0, since: '' } } };
  assert.equal(byId(menuOf(unknown), 'backup-now')?.label, 'A backup is already running — started by another Pieces Backup process');
});

test('demo mode: the first line of the menu says these are not the person\'s Pieces data', () => {
  for (const menu of [menuOf(idle, { ...conn, source: 'emulator' }), menuOf(idle, conn, true)]) {
    assert.equal(menu[0]?.label, 'Demo mode — using the built-in emulator, not your Pieces data');
    assert.equal(menu[0]?.enabled, false);
  }
  assert.ok(!statusLines({ state: idle, settings, connection: conn, now }).some((l) => /Demo mode/.test(l)));
});

test('the error line is cut at a word boundary with "…", and shows no error codes', () => {
  const message = 'The connection to PiecesOS at http://127.0.0.1:39300 was lost while it was answering (ECONNRESET); try again.';
  const failed: EngineState = { ...idle, phase: 'error', lastError: { kind: 'connection-lost', message } };
  const line = statusLines({ state: failed, settings, connection: conn, now }).find((l) => l.startsWith('Last attempt failed: '))!;
  assert.ok(line.endsWith('…'), line);
  assert.doesNotMatch(line, /ECONNRESET/);
  const shown = line.slice('Last attempt failed: '.length, -1);
  assert.ok(shown.length <= 59, shown);
  // The cut falls between words: what is shown is a prefix of the message ending at a whole word.
  const words = message.replace(' (ECONNRESET)', '').split(' ');
  assert.ok(words.some((_, i) => words.slice(0, i + 1).join(' ').replace(/[,;:.]$/, '') === shown), `"${shown}" ends mid-word`);
  assert.doesNotMatch(trayTooltip({ state: failed, settings, connection: conn, now }), /ECONNRESET/);
});

test('times in the menu follow the locale: a 12-hour clock says 6:00 PM, a 24-hour one 18:00', () => {
  setTimeStyle({ locale: 'en-US' });
  assert.ok(statusLines({ state: idle, settings, connection: conn, now }).includes('Next: today 6:00 PM'));
  const retrying: EngineState = { ...idle, phase: 'error', lastError: { kind: 'http', message: 'PiecesOS answered HTTP 500.' }, retry: { at: at(17, 5), attempt: 1, attempts: 4 } };
  assert.ok(statusLines({ state: retrying, settings, connection: conn, now }).includes('Retrying at 5:05 PM (attempt 2 of 4)'));
  setTimeStyle({ locale: 'en-GB' });
  assert.ok(statusLines({ state: idle, settings, connection: conn, now }).includes('Next: today 18:00'));
});
