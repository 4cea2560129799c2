// The daemon says plainly when its backup waits for another Pieces Backup process's backup.
// Real parts: the daemon in this process against the emulator, a real child process holding the
// real lock file of the same config folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../emulator/server.js';
import { runDaemon } from '../../main/daemon/daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { startLockHolder } from '../helpers/lock-children.js';
import { formatClock } from '../../main/shared/time-format.js';
import { waitFor } from '../helpers/wait.js';

test('a backup blocked by another process logs one "Waiting for the backup started by process N at HH:MM" line', { timeout: 30_000 }, (t) =>
  withTempDir('daemon-wait', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
    t.after(() => emu.close());
    const cfg = join(dir, 'cfg');
    // A daily schedule set long ago: the daemon catches up at once, and finds the lock held.
    await mkdir(cfg, { recursive: true });
    await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
    const holder = await startLockHolder(cfg, (fn) => t.after(fn));
    const since = new Date();
    const lines: string[] = [];
    const ac = new AbortController();
    const running = runDaemon({ configDir: cfg, url: emu.url, json: false, out: (l) => lines.push(l), signal: ac.signal });
    const hhmm = (d: Date) => formatClock(d); // the one way times are written (time-format.ts)
    await waitFor(() => lines.some((l) => l.includes('Waiting for')), 'the waiting line', 20_000);
    await sleep(300); // anything else it would log about the same wait
    ac.abort();
    assert.equal(await running, 0);
    const waiting = lines.filter((l) => l.includes('Waiting for'));
    assert.equal(waiting.length, 1, lines.join('\n'));
    // The holder took the lock just before `since`, within the same minute or the one before.
    const said = waiting[0]!;
    assert.ok(said.includes(`Waiting for the backup started by process ${holder.pid} at `), said);
    assert.ok([hhmm(since), hhmm(new Date(since.getTime() - 60_000))].some((x) => said.includes(` at ${x}`)), said);
    assert.match(said, /trying again every 30 s/);
    assert.equal(lines.filter((l) => / skipped/.test(l)).length, 1, 'one skipped line for the wait');
    assert.ok(!lines.some((l) => /Backing up/.test(l)), `never logged as backing up:\n${lines.join('\n')}`);
  }));
