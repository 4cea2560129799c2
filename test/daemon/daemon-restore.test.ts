// The daemon and restores: its log names a restore's steps and outcome, and while the app restores
// on the same settings folder the daemon's due backup waits for the lock instead of running.
// Real parts: the daemon and an AppCore in this process, the emulator restoring for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppCore } from '../../main/core/app-core.js';
import { progressText, runDaemon, runText } from '../../main/daemon/daemon.js';
import { formatLocalDateTime } from '../../main/shared/format.js';
import type { HistoryEntry } from '../../main/engine/types.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { slowRestoreRig } from '../helpers/slow-restore-rig.js';
import { waitFor } from '../helpers/wait.js';

test("restore log lines: each step's progress names the backup; the outcome says what is in place, or why not", () => {
  const created = '2026-11-20T14:02:00.000Z';
  const running = { trigger: 'restore' as const, startedAt: created, status: 'IN-PROGRESS' as const, percentage: 42, kind: 'restore' as const, restoring: { id: 'b1', deviceName: 'old-laptop', created, bytes: 1000 } };
  assert.equal(progressText({ ...running, phase: 'safety-backup' }, 42), `Making a safety backup before restoring backup b1 (old-laptop, ${formatLocalDateTime(created)}): 42%`);
  assert.equal(progressText({ ...running, phase: 'restore' }, 70.4), `Restoring backup b1 (old-laptop, ${formatLocalDateTime(created)}): 70%`);
  assert.equal(progressText({ trigger: 'manual', startedAt: created, status: 'IN-PROGRESS', percentage: 10 }, 10), 'Backing up (manual): 10%');

  const base: HistoryEntry = { trigger: 'restore', result: 'completed', startedAt: created, finishedAt: created, backupId: 'b1', bytes: 12_300_000 };
  assert.equal(runText({ ...base, safetyBackupId: 's9' }, null), 'Restore of backup b1 completed (12.3 MB); the data it replaced is in safety backup s9.');
  assert.equal(runText(base, null), 'Restore of backup b1 completed (12.3 MB); no safety backup was made.');
  assert.equal(
    runText({ ...base, result: 'failed', phase: 'safety-backup', error: { kind: 'http', message: 'The safety backup of your current data failed (boom), so the restore did not start.' } }, null),
    'Restore of backup b1 failed during the safety backup: The safety backup of your current data failed (boom), so the restore did not start.',
  );
  assert.equal(runText({ ...base, result: 'canceled', phase: 'restore', error: { kind: 'canceled', message: 'The restore was canceled' } }, null), 'Restore of backup b1 canceled: The restore was canceled.');
  assert.equal(runText({ trigger: 'manual', result: 'completed', startedAt: created, finishedAt: created, backupId: 'x', bytes: 5 }, null), 'Manual backup completed (x, 5 B).');
});

test('while the app restores on the same settings folder, the daemon does not back up: its due backup waits for the lock', { timeout: 60_000 }, (t) =>
  withTempDir('daemon-restore', async (dir) => {
    const { emu, client, monday, cfg } = await slowRestoreRig(t, dir);

    const app = await createAppCore({ configDir: cfg, url: emu.url });
    t.after(() => app.stop());
    let restored: HistoryEntry | null = null;
    app.engine.on('run-finished', (f) => { if (f.entry.trigger === 'restore') restored = f.entry; });
    assert.deepEqual(await app.handle('backups:restore', { id: monday.id, safetyBackup: false }), { ok: true, value: { started: true } });

    const lines: string[] = [];
    const ac = new AbortController();
    const daemon = runDaemon({ configDir: cfg, url: emu.url, json: false, out: (l) => lines.push(l), signal: ac.signal });
    await waitFor(() => lines.some((l) => l.includes('Waiting for')), `the daemon to wait:\n${lines.join('\n')}`, 20_000);
    assert.ok(lines.some((l) => l.includes(`started by process ${process.pid}`)), lines.join('\n'));
    await waitFor(() => restored !== null, 'the restore to finish', 20_000);
    assert.equal(restored!.result, 'completed');
    ac.abort();
    assert.equal(await daemon, 0);
    assert.ok(!lines.some((l) => /Backing up/.test(l)), `the daemon never backed up during the restore:\n${lines.join('\n')}`);
    assert.deepEqual((await client.list()).map((b) => b.id), [monday.id]);
  }));
