// `pieces-backup prune [--dry-run]`: applies the saved retention policy now, with the very planner
// the engine runs after each backup (so the dry run says exactly what the real run deletes).
// The real run holds the backup lock, so it never races a backup or another prune; deletions go
// to the same deletion log as the engine's.
import type { CliIO, GlobalOptions } from '../context.js';
import { RefusedError, configDirOf, connect, reportError } from '../context.js';
import { openSettings } from '../../settings/store.js';
import { openDeviceIdentity } from '../../engine/device-identity.js';
import { openDeletionLog } from '../../engine/history.js';
import { holderOf, tryAcquireRunLock } from '../../engine/run-lock.js';
import { alreadyRunningLine } from '../../shared/waiting-text.js';
import { applyPrune, planPrune, type PrunePlan } from '../../engine/prune.js';
import { describePolicy } from '../../engine/retention.js';
import { formatBytes } from '../../shared/format.js';
import { formatDateTimeIso } from '../../shared/time-format.js';
import { safeJson, visible } from '../../shared/terminal-text.js';
import type { Backup } from '../../api/wire.js';

const RETENTION_OFF = 'Retention is off in Settings, so nothing is deleted; turn it on with `pieces-backup settings set retention.enabled true` (and a rule such as retention.keepLast).';

const line = (b: Backup) => `  ${visible(formatDateTimeIso(b.created))}  ${formatBytes(b.bytes).padStart(9)}  ${visible(b.deviceName)}  ${visible(b.id)}`;

export async function pruneCommand(io: CliIO, g: GlobalOptions, opts: { dryRun: boolean; signal?: AbortSignal }): Promise<number> {
  const configDir = configDirOf(g);
  const policy = openSettings({ configDir }).get().retention;
  if (!policy.enabled) {
    io.out(g.json ? safeJson(opts.dryRun ? { wouldDelete: [], thisDevice: null, skipped: RETENTION_OFF } : { deleted: [], failed: [], thisDevice: null, skipped: RETENTION_OFF }) + '\n' : `${RETENTION_OFF}\n`);
    return 0;
  }
  const { client } = await connect(io, g);
  const identity = openDeviceIdentity(configDir);
  const signal = opts.signal;
  if (opts.dryRun) {
    const plan = await planPrune(client, policy, { identity, now: new Date(), ...(signal ? { signal } : {}) });
    io.out(g.json ? safeJson({ wouldDelete: plan.delete.map((b) => b.id), ...common(plan) }) + '\n' : describe(plan, policy, 'would delete'));
    return 0;
  }
  // Under the backup lock: never while this app, the daemon or another CLI makes a backup or prunes.
  const got = await tryAcquireRunLock(configDir, { by: 'cli', what: 'prune' });
  if ('heldBy' in got) {
    const holder = alreadyRunningLine(holderOf(got.heldBy), new Date(), { pid: true });
    return reportError(io, g, new RefusedError('already-running', `${holder}, so nothing was pruned. Wait for it to finish, then try again.`));
  }
  try {
    const plan = await planPrune(client, policy, { identity, now: new Date(), ...(signal ? { signal } : {}) });
    const outcome = await applyPrune(client, plan, policy, {
      deletions: openDeletionLog(configDir),
      now: () => new Date(),
      ...(signal ? { signal } : {}),
      log: (level, message) => {
        if (level === 'warn' && !g.json) io.err(`pieces-backup: ${visible(message)}\n`);
      },
    });
    const failed = outcome.failed.map((f) => ({ id: f.id, kind: f.error.kind, message: f.error.message }));
    if (g.json) io.out(safeJson({ deleted: outcome.deleted.map((b) => b.id), failed, ...common(plan) }) + '\n');
    else io.out(describe({ ...plan, delete: outcome.deleted }, policy, 'deleted'));
    return failed.length > 0 ? 1 : 0;
  } finally {
    await got.lock.release();
  }
}

function common(plan: PrunePlan): { thisDevice: string | null; skipped?: string; futureDated?: string[] } {
  return {
    thisDevice: plan.thisDevice,
    ...(plan.skipped !== null ? { skipped: plan.skipped } : {}),
    ...(plan.futureDated.length > 0 ? { futureDated: plan.futureDated.map((b) => b.id) } : {}),
  };
}

function describe(plan: PrunePlan, policy: Parameters<typeof describePolicy>[0], verb: 'would delete' | 'deleted'): string {
  const out: string[] = [`Policy: ${describePolicy(policy).replace(/^retention: /, '')}.`];
  out.push(plan.thisDevice === null ? 'This computer: not known yet.' : `This computer: ${visible(plan.thisDevice)}.`);
  if (plan.skipped !== null) out.push(`Nothing ${verb === 'deleted' ? 'was deleted' : 'would be deleted'}: ${visible(plan.skipped)}`);
  else if (plan.delete.length === 0) out.push(`Nothing ${verb === 'deleted' ? 'was deleted' : 'would be deleted'}.`);
  else out.push(`${verb === 'deleted' ? 'Deleted' : 'Would delete'} ${plan.delete.length} backup${plan.delete.length === 1 ? '' : 's'}:`, ...plan.delete.map(line));
  if (plan.futureDated.length > 0) out.push(`Kept because dated in the future (a wrong clock somewhere):`, ...plan.futureDated.map(line));
  return out.join('\n') + '\n';
}
