// `pieces-backup create [--stream]`: makes one backup now. The run is recorded in the shared
// history (trigger "manual") so the tray app and the daemon know about it. Ctrl-C cancels a
// streamed backup cleanly.
import type { Backup } from '../../api/wire.js';
import type { CliIO, GlobalOptions } from '../context.js';
import { RefusedError, connect, configDirOf, errorFields, reportError } from '../context.js';
import { holderOf, tryAcquireRunLock } from '../../engine/run-lock.js';
import { alreadyRunningLine } from '../../shared/waiting-text.js';
import { openDeviceIdentity } from '../../engine/device-identity.js';
import { backupJson, describeBackup } from '../output.js';
import { progressView } from '../progress-view.js';
import { recordCliRun } from '../record-run.js';
import { safeJson } from '../../shared/terminal-text.js';
import { stallMinutesOf } from '../stall-minutes.js';

export async function createCommand(io: CliIO, g: GlobalOptions, opts: { stream: boolean; signal?: AbortSignal }): Promise<number> {
  // Single flight with the tray app and the daemon sharing this config folder.
  const got = await tryAcquireRunLock(configDirOf(g), { by: 'cli', what: 'backup' });
  if ('heldBy' in got) {
    const holder = alreadyRunningLine(holderOf(got.heldBy), new Date(), { pid: true });
    return reportError(io, g, new RefusedError('already-running', `${holder}. Wait for it to finish, then try again.`));
  }
  try {
    return await createUnderLock(io, g, opts);
  } finally {
    await got.lock.release();
  }
}

const UNNAMED_BACKUP = 'Backed up. PiecesOS did not say which backup it made; run `pieces-backup list` to see it.';

/** A non-streamed create answers only when the whole backup is done: unless --timeout says
 * otherwise, give it as long as a large database may take, not the 30 s of a quick request. */
const CREATE_WAIT_S = 30 * 60;

async function createUnderLock(io: CliIO, given: GlobalOptions, opts: { stream: boolean; signal?: AbortSignal }): Promise<number> {
  const g = !opts.stream && !given.timeoutGiven ? { ...given, timeout: CREATE_WAIT_S } : given;
  const startedAt = new Date().toISOString();
  const view = opts.stream ? await progressView(io, g.json) : null;
  let backup: Backup | null;
  try {
    const { client } = await connect(io, g);
    backup = view
      ? await client.createStreamed({ signal: opts.signal, onProgress: (p) => view.update(p), noProgressTimeoutMs: stallMinutesOf(g) * 60_000 })
      : await client.create({ signal: opts.signal });
  } catch (e) {
    view?.finish();
    const { kind, message } = errorFields(e);
    await recordCliRun(io, configDirOf(g), {
      trigger: 'manual', result: kind === 'canceled' ? 'canceled' : 'failed', startedAt, finishedAt: new Date().toISOString(),
      error: { kind: kind as never, message },
    });
    return reportError(io, g, e);
  }
  view?.finish();
  // A backup this machine's own create returned names this computer for retention (device.json).
  if (backup) await openDeviceIdentity(configDirOf(g)).learnFromOwnBackup(backup.deviceName);
  await recordCliRun(io, configDirOf(g), {
    trigger: 'manual', result: 'completed', startedAt, finishedAt: new Date().toISOString(), ...(backup ? { bytes: backup.bytes, backupId: backup.id } : {}),
  });
  if (g.json) {
    const shown = backup ? backupJson(backup) : null;
    io.out(safeJson(opts.stream ? { event: 'done', status: 'COMPLETED', backup: shown } : shown) + '\n');
  } else {
    io.out((backup ? describeBackup(backup) : UNNAMED_BACKUP) + '\n');
  }
  return 0;
}
