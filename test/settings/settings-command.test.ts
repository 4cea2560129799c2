// `pieces-backup settings` end to end: the built CLI on real temp folders, and a running daemon
// (also the built CLI) that picks up a change without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { CLI, runCliProcess, startCli, jsonLines, type CliRun } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { unprivileged } from '../helpers/unprivileged.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { waitFor } from '../helpers/wait.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('settings-cmd', fn);

test('settings get prints every key (key = value) or one; --json prints the object or the value', () =>
  withDir(async (dir) => {
    const cli = (...args: string[]) => runCliProcess(['--config-dir', dir, ...args]);
    const all = await cli('settings');
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.ok(lines.includes('schedule = {"kind":"daily","time":"12:00"}'), all.stdout);
    assert.ok(lines.includes('retention.keepLast = null'), all.stdout);
    assert.ok(lines.includes('retries.maxRetries = 3'), all.stdout);
    assert.ok(lines.includes('stallMinutes = 10'), all.stdout);
    assert.ok(lines.every((l) => / = /.test(l)), all.stdout);
    assert.equal((await cli('settings', 'get')).stdout, all.stdout);

    const json = await cli('--json', 'settings', 'get');
    assert.deepEqual(JSON.parse(json.stdout), DEFAULT_SETTINGS);
    assert.equal((await cli('settings', 'get', 'notifications.onFailure')).stdout, 'notifications.onFailure = true\n');
    assert.deepEqual(JSON.parse((await cli('--json', 'settings', 'get', 'retries')).stdout), DEFAULT_SETTINGS.retries);
  }));

test('settings set validates like the window, saves, and reset restores the default', () =>
  withDir(async (dir) => {
    const cli = (...args: string[]) => runCliProcess(['--config-dir', dir, ...args]);
    const file = join(dir, 'config.json');
    const onDisk = async () => JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;

    let r = await cli('settings', 'set', 'schedule', '{"kind":"daily","time":"03:00"}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'schedule = {"kind":"daily","time":"03:00"}\n');
    assert.deepEqual((await onDisk()).schedule, { kind: 'daily', time: '03:00' });

    r = await cli('--json', 'settings', 'set', 'schedule', '0 3 * * *');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { key: 'schedule', value: { kind: 'custom', cron: '0 3 * * *' } });

    for (const [key, value, stored] of [
      ['retention.keepLast', '5', 5],
      ['retention.enabled', 'true', true],
      ['catchUp', 'false', false],
      ['stallMinutes', '30', 30],
      ['piecesOsUrl', 'http://127.0.0.1:39300/', 'http://127.0.0.1:39300'],
      ['retries.maxRetries', '0', 0],
      ['notifications', '{"onFailure":false,"onSuccess":true,"afterCatchUp":false}', { onFailure: false, onSuccess: true, afterCatchUp: false }],
    ] as const) {
      r = await cli('settings', 'set', key, value);
      assert.equal(r.code, 0, `${key}: ${r.stderr}`);
      const [top, sub] = key.split('.') as [string, string | undefined];
      const d = await onDisk();
      assert.deepEqual(sub ? d[top][sub] : d[top], stored, key);
    }
    assert.equal((await onDisk()).retention.includeOtherDevices, false, 'setting one nested key keeps its siblings');

    // Refused: exit 2, the reason, nothing written.
    const before = await readFile(file, 'utf8');
    const refused: Array<[string[], RegExp]> = [
      [['schedule', '* * * * * *'], /more often than every 5 minutes/],
      [['schedule', '{"kind":"daily","time":"7am"}'], /HH:MM/],
      [['retention.keepLast', '0'], /retention\.keepLast/],
      [['retries.baseDelaySeconds', '1000'], /baseDelaySeconds.*maxDelaySeconds/],
      [['retries', '{"maxRetries":3,"baseDelaySeconds":600,"maxDelaySeconds":60}'], /baseDelaySeconds.*maxDelaySeconds/],
      [['piecesOsUrl', 'http://192.168.1.9:39300'], /loopback/],
      [['piecesOsUrl', 'http://me:secret@127.0.0.1:39300'], /user name or password/],
      [['stallMinutes', '0'], /stallMinutes/],
      [['stallMinutes', 'ten'], /stallMinutes/],
      [['nope', '1'], /There is no setting "nope"; the settings are: .*retention\.keepLast/],
      [['pausedUntil', 'null'], /pause/],
      [['scheduleSetAt', 'null'], /cannot be set here/],
    ];
    for (const [args, why] of refused) {
      r = await cli('settings', 'set', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, why, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    for (const [args, why] of [refused[0]!, refused.at(-3)!]) {
      r = await cli('--json', 'settings', 'set', ...args);
      assert.equal(r.code, 2);
      const err = JSON.parse(r.stdout) as { event: string; kind: string; message: string };
      assert.equal(err.event, 'error');
      assert.equal(err.kind, 'usage');
      assert.match(err.message, why);
    }
    r = await cli('settings', 'get', 'nope');
    assert.equal(r.code, 2);
    assert.equal(await readFile(file, 'utf8'), before, 'nothing was written');

    r = await cli('settings', 'reset', 'retention.keepLast');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'retention.keepLast = null\n');
    r = await cli('--json', 'settings', 'reset', 'schedule');
    assert.deepEqual(JSON.parse(r.stdout), { key: 'schedule', value: DEFAULT_SETTINGS.schedule });
    assert.equal((await onDisk()).retention.keepLast, null);
    assert.equal((await onDisk()).stallMinutes, 30, 'reset touches only its key');
  }));

test('settings on a newer version\'s file: get works and says read-only, set is refused (exit 1), the file untouched', () =>
  withDir(async (dir) => {
    const text = JSON.stringify({ version: 99, schedule: { kind: 'hourly' }, fromTheFuture: true });
    await writeFile(join(dir, 'config.json'), text);
    const get = await runCliProcess(['--config-dir', dir, '--json', 'settings', 'get', 'schedule']);
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(JSON.parse(get.stdout), { kind: 'hourly' });
    assert.match(get.stderr, /newer version of Pieces Backup; they are used read-only/);
    const set = await runCliProcess(['--config-dir', dir, '--json', 'settings', 'set', 'catchUp', 'false']);
    assert.equal(set.code, 1);
    assert.deepEqual(JSON.parse(set.stdout).kind, 'read-only');
    assert.match(JSON.parse(set.stdout).message, /newer version/);
    assert.equal(await readFile(join(dir, 'config.json'), 'utf8'), text);
  }));

test('a running daemon picks up `settings set schedule` from another process without a restart', { timeout: 60_000 }, () =>
  withDir(async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
    const cfg = join(dir, 'cfg');
    try {
      const daemon = startCli(['--url', emu.url, '--config-dir', cfg, '--json', 'daemon']);
      let out = '';
      const events = () => jsonLines(out);
      daemon.child.stdout!.on('data', (d: string) => (out += d));
      try {
        await waitFor(() => events().some((e) => e.event === 'state'), 'the daemon to start', 20_000);
        const set = await runCliProcess(['--config-dir', cfg, 'settings', 'set', 'schedule', '{"kind":"weekly","day":2,"time":"03:00"}']);
        assert.equal(set.code, 0, set.stderr);
        await waitFor(() => events().some((e) => e.event === 'schedule'), 'the daemon to log the new schedule', 20_000);
        const changed = events().find((e) => e.event === 'schedule')!;
        assert.deepEqual(changed.schedule, { kind: 'weekly', day: 2, time: '03:00' });
        assert.match(String(changed.message), /Every Tuesday at (?:3:00\sAM|0?3:00)/);
        const next = new Date(String(changed.nextRun));
        assert.equal(next.getDay(), 2, 'the engine re-armed for a Tuesday');
        assert.equal(`${next.getHours()}:${next.getMinutes()}`, '3:0');
      } finally {
        daemon.child.kill('SIGTERM');
      }
      const end = await daemon.done;
      assert.equal(end.code, 0, end.stderr);
    } finally {
      await emu.close();
    }
  }));

/** The built CLI as an ordinary user (see helpers/unprivileged.ts). */
function startUnprivileged(args: string[]): { kill(): void; out: () => string; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PIECES_OS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'], ...unprivileged() });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => (clearTimeout(killer), resolve({ code, signal, stdout, stderr }))));
  return { kill: () => child.kill('SIGTERM'), out: () => stdout, done };
}

test('read-only settings folder + corrupt config.json: the daemon starts on defaults and says settings cannot be saved', { timeout: 60_000 }, () =>
  withDir(async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
    const cfg = join(dir, 'cfg');
    await mkdir(cfg);
    await writeFile(join(cfg, 'config.json'), '{"schedule": {"kind": "dai');
    await chmod(dir, 0o755);
    await chmod(cfg, 0o555);
    try {
      const daemon = startUnprivileged(['--url', emu.url, '--config-dir', cfg, '--json', 'daemon']);
      try {
        await waitFor(() => /"event":"state"/.test(daemon.out()) || /"event":"stopped"|"kind":"internal"/.test(daemon.out()), 'the daemon to start', 20_000);
      } finally {
        daemon.kill();
      }
      const end = await daemon.done;
      const events = jsonLines(end.stdout);
      assert.ok(events.some((e) => e.event === 'state'), end.stdout + end.stderr);
      const readOnly = events.find((e) => e.event === 'notice' && e.kind === 'settings-read-only');
      assert.match(String(readOnly?.message), /settings cannot be saved/i, end.stdout);
      assert.equal(end.code, 0, end.stdout + end.stderr);
      assert.equal(await readFile(join(cfg, 'config.json'), 'utf8'), '{"schedule": {"kind": "dai', 'the broken file is left as it is');

      const set = startUnprivileged(['--config-dir', cfg, 'settings', 'set', 'catchUp', 'false']);
      const r = await set.done;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /settings cannot be saved/i);
    } finally {
      await chmod(cfg, 0o755);
      await emu.close();
    }
  }));

test('--url follows the same rule as the setting: an address off this machine is a usage error with the reason', async () => {
  const r = await runCliProcess(['--url', 'http://192.168.1.9:39300', 'list']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /loopback/);
});
