// `pieces-backup restore <id> [--stream] [--yes] [--no-safety-backup]`: replaces the local Pieces
// database with one backup, after a safety backup of the current data (engine/restore.ts does
// the work). A restore destroys data, so:
//   - nothing starts before the backup is known to exist (an unknown id: exit 1, kind http);
//   - without --yes a person confirms it on a terminal (default No); off a terminal it is refused
//     (exit 2) rather than assumed;
//   - it runs under the backup lock shared with the app and the daemon, and is recorded in the
//     shared history (trigger "restore");
//   - the streamed endpoints are used even without --stream, so Ctrl-C/SIGTERM can cancel: the
//     client sends restoration/cancel (or stops the safety backup) and the run is `canceled`.
import type { Backup } from '../../api/wire.js';
import { BackupsApiError, isApiError } from '../../api/errors.js';
import type { CliIO, GlobalOptions } from '../context.js';
import { RefusedError, UsageError, connect, configDirOf, reportError } from '../context.js';
import { confirm } from '../confirm.js';
import { textSink } from '../text-sink.js';
import { exitCodeFor } from '../exit-codes.js';
import { backupJson } from '../output.js';
import { progressView, type ProgressView } from '../progress-view.js';
import { recordCliRun } from '../record-run.js';
import { stallMinutesOf } from '../stall-minutes.js';
import { holderOf, tryAcquireRunLock } from '../../engine/run-lock.js';
import { alreadyRunningLine } from '../../shared/waiting-text.js';
import { findBackup, runRestore, RestoreError } from '../../engine/restore.js';
import { openDeviceIdentity } from '../../engine/device-identity.js';
import type { RestorePhase } from '../../engine/types.js';
import { formatBytes } from '../../shared/format.js';
import { formatDateTimeIso } from '../../shared/time-format.js';
import { safeJson, visible } from '../../shared/terminal-text.js';

export interface RestoreOptions {
  id: string;
  stream: boolean;
  yes: boolean;
  /** false with --no-safety-backup. */
  safetyBackup: boolean;
  signal?: AbortSignal;
}

export const NEEDS_YES =
  'A restore replaces the Pieces data on this computer, so it asks for confirmation first, and stdin is not a terminal to ask on; add --yes to restore without asking.';

/** "the backup from Mac-Studio (2026-03-01 12:00, 4.2 MB, id …)": server text made visible. */
function describe(b: Backup): string {
  return `the backup from ${visible(b.deviceName)} (${visible(formatDateTimeIso(b.created))}, ${formatBytes(b.bytes)}, id ${visible(b.id)})`;
}

const STEP_LABELS: Record<RestorePhase, string> = {
  'safety-backup': 'Backing up the current data first',
  restore: 'Restoring',
};

export async function restoreCommand(io: CliIO, g: GlobalOptions, opts: RestoreOptions): Promise<number> {
  // Refused before anything is contacted: off a terminal there is nobody to confirm.
  if (!opts.yes && !io.terminalInput) throw new UsageError(NEEDS_YES);
  const signal = opts.signal ?? new AbortController().signal;

  const { client } = await connect(io, g);
  let target: Backup;
  try {
    target = await findBackup(client, opts.id, signal);
  } catch (e) {
    // Nothing started: no safety backup, no history line.
    if (!isApiError(e)) throw e;
    return reportRestoreError(io, g, new RestoreError('restore', e, e.message, null));
  }

  if (!opts.yes && !(await confirmRestore(io, target, opts, signal))) {
    // Declining is no fault of the server's, but nothing was restored: exit 1, kind canceled.
    return reportError(io, g, new BackupsApiError('canceled', 'Not confirmed; nothing was restored.'));
  }

  // Single flight with the tray app, the daemon and other CLI runs sharing this config folder.
  const got = await tryAcquireRunLock(configDirOf(g), { by: 'cli', what: 'restore' });
  if ('heldBy' in got) {
    const holder = alreadyRunningLine(holderOf(got.heldBy), new Date(), { pid: true });
    return reportError(io, g, new RefusedError('already-running', `${holder}. Wait for it to finish, then try again; nothing was restored.`));
  }
  try {
    return await restoreUnderLock(io, g, opts, client, signal);
  } finally {
    await got.lock.release();
  }
}

async function confirmRestore(io: CliIO, target: Backup, opts: RestoreOptions, signal: AbortSignal): Promise<boolean> {
  const safety = opts.safetyBackup
    ? 'A backup of the current data is made first.'
    : 'No backup of the current data is made first (--no-safety-backup): what is there now is lost.';
  const question = [
    `Restore ${describe(target)}?`,
    'This replaces the Pieces data on this computer: everything saved in Pieces since that backup is replaced.',
    safety,
    'Restore? [y/N] ',
  ].join('\n');
  return confirm(question, { input: io.terminalInput!(), output: io.tty ?? textSink(io.err), signal });
}

async function restoreUnderLock(io: CliIO, g: GlobalOptions, opts: RestoreOptions, client: Awaited<ReturnType<typeof connect>>['client'], signal: AbortSignal): Promise<number> {
  const configDir = configDirOf(g);
  const startedAt = new Date().toISOString();
  const view: ProgressView | null = opts.stream ? await progressView(io, g.json, STEP_LABELS[opts.safetyBackup ? 'safety-backup' : 'restore']) : null;
  try {
    const { restored, safetyBackup } = await runRestore({
      api: client,
      backupId: opts.id,
      safetyBackup: opts.safetyBackup,
      signal,
      noProgressTimeoutMs: stallMinutesOf(g) * 60_000,
      onPhase: (phase, target) => {
        // Short enough for a progress bar's line; the question and the summary give the id and size.
        const label = phase === 'restore' ? `${STEP_LABELS.restore} the backup from ${visible(target.deviceName)} (${visible(formatDateTimeIso(target.created))})` : STEP_LABELS[phase];
        if (view) view.step(label, { phase });
        else if (!g.json) io.err(`${label}…\n`);
      },
      onProgress: (_phase, p) => view?.update(p),
      // A safety backup this machine just made names this computer (for retention's "this device").
      onSafetyBackup: (b) => openDeviceIdentity(configDir).learnFromOwnBackup(b.deviceName),
    });
    view?.finish();
    await recordCliRun(io, configDir, {
      trigger: 'restore', result: 'completed', startedAt, finishedAt: new Date().toISOString(),
      backupId: restored.id, bytes: restored.bytes, ...(safetyBackup ? { safetyBackupId: safetyBackup.id } : {}),
    });
    if (g.json) {
      io.out(safeJson({ event: 'done', status: 'COMPLETED', backup: backupJson(restored), safetyBackup: safetyBackup ? backupJson(safetyBackup) : null }) + '\n');
    } else {
      const before = safetyBackup
        ? ` The data it replaced is in the safety backup ${visible(safetyBackup.id)}.`
        : opts.safetyBackup ? ' PiecesOS did not say which safety backup it made; run `pieces-backup list` to see it.' : '';
      io.out(`Restored ${describe(restored)}.${before}\n`);
    }
    return 0;
  } catch (e) {
    view?.finish();
    if (!(e instanceof RestoreError)) {
      await recordCliRun(io, configDir, {
        trigger: 'restore', result: 'failed', startedAt, finishedAt: new Date().toISOString(), backupId: opts.id,
        error: { kind: 'internal', message: e instanceof Error ? e.message : String(e) },
      });
      return reportError(io, g, e);
    }
    await recordCliRun(io, configDir, {
      trigger: 'restore', result: e.kind === 'canceled' ? 'canceled' : 'failed', startedAt, finishedAt: new Date().toISOString(),
      backupId: e.target?.id ?? opts.id, phase: e.phase, error: { kind: e.kind, message: e.message },
      ...(e.safetyBackup ? { safetyBackupId: e.safetyBackup.id } : {}),
    });
    return reportRestoreError(io, g, e);
  }
}

/** `{"event":"error","phase":…,"kind":…,"message":…}`, or one line (plus where the data it would
 * have replaced was saved); the exit code of the kind, as for create. */
function reportRestoreError(io: CliIO, g: GlobalOptions, e: RestoreError): number {
  if (g.json) {
    io.out(safeJson({ event: 'error', phase: e.phase, kind: e.kind, message: e.message }) + '\n');
  } else {
    io.err(`pieces-backup: ${visible(e.message)}\n`);
    if (e.safetyBackup) io.err(`pieces-backup: the safety backup made before it is ${visible(e.safetyBackup.id)}.\n`);
  }
  return exitCodeFor(e.kind);
}
