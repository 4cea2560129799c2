// `pieces-backup pause [1h|tomorrow|until-resumed]` and `pieces-backup resume` share the tray's
// pause: the `pausedUntil` setting in the settings folder the engine reads. The built CLI against
// the emulator with a temp settings folder; a real daemon (the built CLI's `daemon`, a child
// process) on the same folder notices a pause at once and does not run the backup it had
// scheduled, then notices the resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { openHistory } from '../../main/engine/history.js';
import { formatClock } from '../../main/shared/time-format.js';
import { runCliProcess, startCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
let emu: Emu;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pb-pause-emu-'));
  emu = await startEmulator({ port: 0, dataDir, log: () => {} });
});
after(async () => {
  await emu.close();
  await rm(dataDir, { recursive: true, force: true });
});

const cliIn = (configDir: string) => (args: string[]) => runCliProcess(['--url', emu.url, '--config-dir', configDir, ...args]);

interface Status { state: string; pausedUntil: string | null; nextRun: string | null }
async function statusOf(cli: ReturnType<typeof cliIn>): Promise<Status> {
  const r = await cli(['--json', 'status']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Status;
}

test('pause 1h: saved for every process on the folder, said with the time it ends; status shows it; resume ends it', () =>
  withTempDir('cli-pause-1h', async (configDir) => {
    const cli = cliIn(configDir);
    const t0 = Date.now();
    const r = await cli(['pause', '1h']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = await statusOf(cli);
    assert.equal(st.state, 'paused');
    const until = Date.parse(st.pausedUntil!);
    assert.ok(until >= t0 + 3_600_000 && until <= Date.now() + 3_600_000, st.pausedUntil!);
    const end = new Date(until);
    const when = new Date(t0).getDate() === end.getDate() ? formatClock(end) : `tomorrow ${formatClock(end)}`;
    assert.equal(r.stdout, `Automatic backups paused until ${when}.\n`);
    assert.ok(Date.parse(st.nextRun!) >= until, 'the next backup comes after the pause');
    assert.match((await cli(['status'])).stdout, /^State: +Paused until /m);

    const resumed = await cli(['resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout, 'Automatic backups resumed.\n');
    const after = await statusOf(cli);
    assert.equal(after.pausedUntil, null);
    assert.notEqual(after.state, 'paused');

    const again = await cli(['resume']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'Automatic backups were not paused.\n');
  }));

test('pause with no argument, or until-resumed: until you resume them, no next backup; tomorrow: until midnight', () =>
  withTempDir('cli-pause-until', async (configDir) => {
    const cli = cliIn(configDir);
    for (const args of [['pause'], ['pause', 'until-resumed']]) {
      const r = await cli(args);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, 'Automatic backups paused until you resume them.\n');
      const st = await statusOf(cli);
      assert.deepEqual([st.state, st.pausedUntil, st.nextRun], ['paused', 'resume', null]);
    }
    const t = await cli(['pause', 'tomorrow']);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    const st = await statusOf(cli);
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    assert.equal(st.pausedUntil, midnight.toISOString());
    assert.equal(t.stdout, `Automatic backups paused until tomorrow ${formatClock(midnight)}.\n`);
  }));

test('--json: pause and resume print {"pausedUntil":…}; a duration it does not know is a usage error (exit 2) that writes nothing', () =>
  withTempDir('cli-pause-json', async (configDir) => {
    const cli = cliIn(configDir);
    const p = await cli(['--json', 'pause', 'until-resumed']);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(JSON.parse(p.stdout), { pausedUntil: 'resume' });
    const r = await cli(['--json', 'resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { pausedUntil: null });

    const bad = await cli(['pause', 'next-week']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /1h, tomorrow or until-resumed/);
    const badJson = await cli(['--json', 'pause', 'next-week']);
    assert.equal(badJson.code, 2);
    assert.equal((JSON.parse(badJson.stdout) as { kind: string }).kind, 'usage');
    assert.equal((await statusOf(cli)).pausedUntil, null);
  }));

test('settings a newer version wrote (read-only here): pause and resume are refused in a sentence (exit 1, read-only), the file untouched', () =>
  withTempDir('cli-pause-readonly', async (configDir) => {
    const cli = cliIn(configDir);
    const file = join(configDir, 'config.json');
    const text = JSON.stringify({ version: 9999, pausedUntil: 'resume', addedLater: true });
    await writeFile(file, text);
    for (const args of [['pause', '1h'], ['resume']]) {
      const r = await cli(args);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /^pieces-backup: .*newer version.*\n$/);
      const j = await cli(['--json', ...args]);
      assert.equal(j.code, 1);
      assert.equal((JSON.parse(j.stdout) as { kind: string }).kind, 'read-only');
    }
    assert.equal(await readFile(file, 'utf8'), text);
  }));

/** A daily cron (6 fields) that fires once, `inMs` from now. */
function cronAt(at: Date): string {
  return `${at.getSeconds()} ${at.getMinutes()} ${at.getHours()} * * *`;
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a daemon running on the same folder notices pause at once (no backup at its scheduled time) and resume', { timeout: 120_000 }, () =>
  withTempDir('cli-pause-daemon', async (configDir) => {
    const cli = cliIn(configDir);
    // Far enough ahead for the pause to land first even on a busy machine; a daily time, since
    // schedules firing more often than every 5 minutes are refused.
    const fireAt = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
    const { child, done } = startCli(['--url', emu.url, '--config-dir', configDir, '--json', 'daemon', '--schedule', cronAt(fireAt)], {}, { killAfterMs: 110_000 });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const events = () => out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { event: string; phase?: string; nextRun?: string | null });
    try {
      await waitFor(() => events().some((e) => e.event === 'state' && e.phase === 'idle' && e.nextRun === fireAt.toISOString()), 30_000, 'the daemon idle with its next backup');
      const p = await cli(['pause', '1h']);
      assert.equal(p.code, 0, p.stderr);
      assert.ok(Date.now() < fireAt.getTime(), 'the pause landed before the scheduled time (the machine was too slow for this test)');
      await waitFor(() => events().some((e) => e.event === 'state' && e.phase === 'paused'), 20_000, 'the daemon to say it is paused');
      const paused = events().find((e) => e.event === 'state' && e.phase === 'paused')!;
      assert.ok(paused.nextRun === null || Date.parse(paused.nextRun!) > Date.now() + 3_000_000, `next run moved past the pause: ${paused.nextRun}`);
      assert.equal((await statusOf(cli)).state, 'paused');

      // Past the time the backup was scheduled for: none ran.
      await new Promise((r) => setTimeout(r, Math.max(0, fireAt.getTime() - Date.now()) + 3_000));
      assert.ok(!events().some((e) => e.event === 'run' || e.event === 'progress'), out);
      assert.deepEqual(await openHistory(configDir).list(), []);

      const r = await cli(['resume']);
      assert.equal(r.code, 0, r.stderr);
      await waitFor(() => events().some((e, i, all) => e.event === 'state' && e.phase === 'idle' && all.slice(0, i).some((x) => x.phase === 'paused')), 20_000, 'the daemon to say it is idle again');
    } finally {
      child.kill('SIGTERM');
      const end = await done;
      assert.equal(end.code, 0, end.stdout + end.stderr);
    }
  }));
