// The tray words another Pieces Backup process's run by its front end and kind, as the backup
// lock records them, and leads with those words (no process number): the status line, the
// tooltip and the disabled "Back up now".
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, trayTooltip, type TrayMenuItem } from '../../main/electron/tray-menu.js';
import { setTimeStyle } from '../../main/shared/time-format.js';
import type { EngineState, LockHolder } from '../../main/engine/types.js';
import { at, conn, idle, now, settings } from '../helpers/tray-states.js';

afterEach(() => setTimeStyle({}));

const waitingFor = (heldBy: LockHolder): EngineState => ({ ...idle, phase: 'waiting', waiting: { trigger: 'scheduled', since: at(14, 3), heldBy } });
const labels = (items: TrayMenuItem[]): string[] => items.map((i) => i.label ?? '');

test('the tray names the background service\'s backup and the command\'s restore in words, without the process', () => {
  setTimeStyle({ locale: 'en-US' });
  const daemon = waitingFor({ pid: 4242, since: at(14, 2), by: 'daemon', what: 'backup' });
  const menu = buildTrayMenu({ state: daemon, settings, connection: conn, now });
  assert.ok(labels(menu).includes('Waiting for the backup the background service started at 2:02 PM'), labels(menu).join(' | '));
  assert.deepEqual(menu.find((i) => i.id === 'backup-now'), { id: 'backup-now', label: 'A backup is already running — the background service started it at 2:02 PM', enabled: false });
  assert.equal(trayTooltip({ state: daemon, settings, connection: conn, now }), 'Pieces Backup\nWaiting for the backup the background service started at 2:02 PM');
  assert.ok(!labels(menu).some((l) => l.includes('4242')), labels(menu).join(' | '));

  const cli = buildTrayMenu({ state: waitingFor({ pid: 77, since: at(14, 2), by: 'cli', what: 'restore', host: 'host-b' }), settings, connection: conn, now });
  assert.equal(cli.find((i) => i.id === 'backup-now')?.label, 'A restore is already running — the pieces-backup command started it at 2:02 PM on host-b');
});
