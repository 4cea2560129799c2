// The CLI writes times and platform names as the window and the tray do (issue 11): the list's
// Created column follows the system's locale and 12/24-hour clock (LC_ALL), and MACOS reads macOS.
// The built CLI against the emulator over loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { runCliProcess } from '../helpers/cli.js';

let dir = '';
let emu: RunningEmulator;
// 15:30 local time on a day of this year: 3:30 PM on a 12-hour clock, 15:30 on a 24-hour one.
const created = new Date(new Date().getFullYear(), 0, 15, 15, 30);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-words-'));
  emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
  await emu.seed(1, { deviceName: 'old-mac', platform: 'MACOS', startDate: created });
});
after(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const list = (locale: string) => runCliProcess(['--url', emu.url, '--config-dir', join(dir, 'cfg'), 'list'], { LC_ALL: locale, LANG: locale, TZ: process.env.TZ });

test('list: platform names as the window says them, not the API\'s enum', async () => {
  const r = await list('en_US.UTF-8');
  assert.equal(r.code, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.includes('old-mac'))!;
  assert.match(row, /\bmacOS\b/, row);
  assert.doesNotMatch(row, /MACOS/, row);
});

test('list: the Created column follows the locale\'s clock (3:30 PM / 15:30), like the tray and the window', async () => {
  const us = await list('en_US.UTF-8');
  assert.equal(us.code, 0, us.stderr);
  const usRow = us.stdout.split('\n').find((l) => l.includes('old-mac'))!;
  assert.match(usRow, /^Jan 15, 3:30\s?PM\s/, usRow);
  const gb = await list('en_GB.UTF-8');
  const gbRow = gb.stdout.split('\n').find((l) => l.includes('old-mac'))!;
  assert.match(gbRow, /^15 Jan, 15:30\s/, gbRow);
});

test('--help names where the address comes from in the order the CLI uses (Settings first, then PIECES_OS_URL, then discovery)', async () => {
  const help = await runCliProcess(['--help']);
  assert.equal(help.code, 0);
  const flat = help.stdout.replace(/\s+/g, ' ');
  assert.match(flat, /--url <base> +PiecesOS address \(default: the address saved in Settings, else PIECES_OS_URL, else discovered on this machine\)/);
});
