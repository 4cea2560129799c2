// Shared by the Electron wiring tests: a fake core that records what the wiring asks of it, and
// runApp (main/electron/app.ts) started on the recording Electron stand-in in a temp app folder.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp, type AppOptions } from '../../main/electron/app.js';
import type { Snapshot } from '../../main/ipc/contract.js';
import type { AppCore, Notice } from '../../main/core/types.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { createStandIn } from './electron-standin.js';

export const snapshot: Snapshot = {
  state: { phase: 'idle', running: null, pausedUntil: null, lastError: null, lastSuccess: null, nextRun: null, retry: null },
  connection: { url: 'http://127.0.0.1:39300', source: 'discovered', version: '12.0.0', reachable: true },
  settings: DEFAULT_SETTINGS, backups: [], backupsError: null, backupsUpdatedAt: null, history: [], thisDevice: null,
};

/** A fake core that records what the wiring asks of it. */
export function fakeCore() {
  const events = new EventEmitter();
  const notices = new EventEmitter();
  const calls: string[] = [];
  const handled: [string, unknown][] = [];
  const core: AppCore = {
    async start() { calls.push('start'); },
    async stop() { calls.push('stop'); await new Promise((r) => setTimeout(r, 5)); calls.push('stopped'); },
    async handle(channel, payload) {
      handled.push([channel, payload]);
      if (channel === 'backups:list') throw new Error('kaboom');
      if (channel === 'backups:create') return { ok: false, error: { kind: 'unreachable', message: 'PiecesOS is not running; start it and try again.' } };
      return { ok: true, value: `answer:${channel}` };
    },
    async snapshot() { return snapshot; },
    current() { return { state: snapshot.state, settings: snapshot.settings, connection: snapshot.connection }; },
    on(channel, listener) { events.on(channel, listener); return () => events.off(channel, listener); },
    onNotice(listener) { notices.on('n', listener); return () => notices.off('n', listener); },
    systemResumed() { calls.push('resumed'); },
  };
  return { core, events, notices, calls, handled, notice: (n: Notice) => notices.emit('n', n) };
}

export async function setup(t: { after(fn: () => Promise<void>): void }, over: Partial<AppOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-wiring-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'dist', 'renderer'), { recursive: true });
  await writeFile(join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(dir, 'secret.txt'), 'not for the page');
  const s = createStandIn();
  const f = fakeCore();
  const logged: string[] = [];
  const running = await runApp(s.deps, {
    platform: 'linux', appRoot: dir, packaged: false, resourcesPath: join(dir, 'resources'), emulator: false,
    execPath: '/usr/lib/electron/electron', hidden: true, logPath: join(dir, 'config', 'main.log'),
    createCore: () => f.core, loginItem: { exec: '/opt/Pieces Backup/pieces-backup-tray', autostartDir: join(dir, 'autostart') },
    log: (m) => logged.push(m), ...over,
  });
  assert.ok(running);
  await running.started;
  return { ...s, ...f, app: s.deps.app, dir, running, logged };
}

export const tick = () => new Promise((r) => setTimeout(r, 10));
