// The app and the daemon record in the backup lock which front end they are and what they run,
// and word another's run that way: the daemon's log names the app's restore it waits for (with its
// process), a second app's refused restore names it too, and the daemon's own backup is recorded
// as the background service's. Real parts: the daemon and two AppCores in this process, the
// emulator restoring and backing up for real on one settings folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAppCore } from '../../main/core/app-core.js';
import { runDaemon } from '../../main/daemon/daemon.js';
import { LOCK_FILE } from '../../main/engine/run-lock.js';
import { openHistory } from '../../main/engine/history.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { slowRestoreRig } from '../helpers/slow-restore-rig.js';

async function waitFor<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(25);
  }
}

const lockOwner = (cfg: string) => readFile(join(cfg, LOCK_FILE), 'utf8').then((s) => JSON.parse(s) as { by?: string; what?: string; pid: number }, () => null);

test("the app's restore and the daemon's backup are recorded and worded by front end and kind", { timeout: 90_000 }, (t) =>
  withTempDir('daemon-lock-holder', async (dir) => {
    const { emu, monday, cfg } = await slowRestoreRig(t, dir);

    const app = await createAppCore({ configDir: cfg, url: emu.url, frontEnd: 'app' });
    t.after(() => app.stop());
    assert.deepEqual(await app.handle('backups:restore', { id: monday.id, safetyBackup: false }), { ok: true, value: { started: true } });
    const appLock = await waitFor(() => lockOwner(cfg), 'the app to take the lock');
    assert.equal(appLock.by, 'app');
    assert.equal(appLock.what, 'restore');

    // A second app on the folder is refused, told whose restore runs (the window leads with words).
    const other = await createAppCore({ configDir: cfg, url: emu.url, frontEnd: 'app' });
    t.after(() => other.stop());
    const refused = await other.engine.restore(monday.id, { safetyBackup: false });
    assert.equal(refused.started, false);
    assert.match(refused.started ? '' : refused.message, /^The restore the Pieces Backup app started at .+ is running, so the restore did not start/);

    const lines: string[] = [];
    const ac = new AbortController();
    const daemon = runDaemon({ configDir: cfg, url: emu.url, json: false, out: (l) => lines.push(l), signal: ac.signal });
    t.after(() => ac.abort());
    await waitFor(() => lines.some((l) => l.includes('Waiting for')), `the daemon to wait:\n${lines.join('\n')}`);
    const waiting = lines.find((l) => l.includes('Waiting for'))!;
    assert.match(waiting, new RegExp(`Waiting for the restore the Pieces Backup app started at .+ \\(process ${process.pid}\\) to finish`));

    // Once the restore is over the daemon's catch-up runs, under a lock that names the background service.
    const daemonLock = await waitFor(async () => {
      const o = await lockOwner(cfg);
      return o?.by === 'daemon' ? o : null;
    }, `the daemon to take the lock:\n${lines.join('\n')}`, 60_000);
    assert.equal(daemonLock.what, 'backup');
    ac.abort();
    assert.equal(await daemon, 0);
    // The history (the window's History) records the wait in the same words, without the process.
    const skipped = (await openHistory(cfg).list()).find((e) => e.result === 'skipped' && e.trigger !== 'restore');
    assert.match(skipped?.error?.message ?? '', /^The restore the Pieces Backup app started at .+ is running, so this catch-up backup waits for it and runs when it is done\.$/);
  }));
