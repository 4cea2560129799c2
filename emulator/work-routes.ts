// The emulator's routes that do work or report on it: create and restore (plain and streamed, in
// the chosen framing, under the injected faults), GET /backup/{id}, and the creation/restoration
// status and cancel endpoints. server.ts routes requests here after its own checks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BusyError, CanceledError, CURRENT, NoDataError, RestartFromZero, type BackupService, type ProgressHook, type WorkKind } from './backup-service.js';
import { contentTypeOf, frameText } from './framing.js';
import { sendError, sendJson } from './http-util.js';
import type { StoredBackup } from './store.js';
import type { Faults, Framing } from './types.js';

export interface WorkContext {
  service: BackupService;
  faults(): Faults;
  framing(): Framing;
  bytesPerSecond: number | undefined;
  /** Aborts when the emulator closes: every piece of work stops (a restore keeps the original data). */
  closing: AbortSignal;
  /** Work under way, so close() can wait for it to clean up. */
  jobs: Set<Promise<unknown>>;
  log: (line: string) => void;
}

/** Thrown from inside the work to stop it the way a fault says. */
class FaultStop extends Error {
  constructor(readonly fault: 'fail' | 'drop', readonly percent: number) {
    super(`emulated ${fault} at ${percent}%`);
  }
}

/** Aborts when the client goes away before its answer was complete. */
function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort(new Error('client went away'));
  });
  return gone.signal;
}

/**
 * The faults every piece of work honours; `percent` is how far the real work got. A stall holds
 * the work in place, the connection open, until `stallEnds` aborts.
 */
async function applyFaults(faults: Faults, percent: number, stallEnds: AbortSignal): Promise<void> {
  if (faults.failAtPercent !== undefined && percent >= faults.failAtPercent) throw new FaultStop('fail', percent);
  if (faults.dropAtPercent !== undefined && percent >= faults.dropAtPercent) throw new FaultStop('drop', percent);
  if (faults.stallAtPercent !== undefined && percent >= faults.stallAtPercent) {
    await new Promise<never>((_, reject) => {
      if (stallEnds.aborted) reject(stallEnds.reason);
      stallEnds.addEventListener('abort', () => reject(stallEnds.reason), { once: true });
    });
  }
}

/** Writes progress values in one framing; nothing once the client is gone. */
function progressWriter(res: ServerResponse, framing: Framing): (value: Record<string, unknown> | string) => void {
  return (value) => {
    if (!res.destroyed) res.write(frameText(framing, typeof value === 'string' ? value : JSON.stringify(value)));
  };
}

function startStream(res: ServerResponse, framing: Framing): void {
  res.writeHead(200, { 'content-type': contentTypeOf(framing), 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
}

/**
 * The progress hook shared by create and restore: faults first, then the RESET fault (once per
 * run: the work starts over from 0), then the value itself. 0 is announced by INITIALIZED and 100
 * by COMPLETED, so only the values between are written.
 */
function progressHook(ctx: WorkContext, stallEnds: AbortSignal, write: ((v: Record<string, unknown> | string) => void) | null, extra: Record<string, unknown>): ProgressHook {
  const faults = ctx.faults();
  let sentMalformed = false;
  let didReset = false;
  return async (percent, canceled) => {
    await applyFaults(faults, percent, AbortSignal.any([stallEnds, canceled]));
    if (faults.resetAtPercent !== undefined && !didReset && percent >= faults.resetAtPercent && percent > 0 && percent < 100) {
      didReset = true;
      throw new RestartFromZero('emulated reset');
    }
    if (write === null || percent === 0 || percent === 100) return;
    if (faults.malformed === true && !sentMalformed) {
      sentMalformed = true;
      write('{"status":"IN-PROGRESS","percentage":}');
    }
    write({ status: 'IN-PROGRESS', percentage: percent, ...extra });
  };
}

/** What a failed piece of work answers; false when nothing is left to answer (dropped, or the client is gone). */
function answerFailure(ctx: WorkContext, req: IncomingMessage, res: ServerResponse, e: unknown, streamedCall: boolean, what: 'backup' | 'restore', write: (v: Record<string, unknown>) => void, lastPercent: number | null): void {
  // Work that stopped before its stream began answers with a status, like the plain call.
  const streamed = streamedCall && res.headersSent;
  const kept = what === 'restore' ? ' The original data was kept.' : '';
  if (e instanceof BusyError && !res.headersSent) return sendError(res, 409, e.message);
  if (e instanceof NoDataError && !res.headersSent) return sendError(res, 422, e.message);
  if (e instanceof CanceledError) {
    if (streamed) {
      write({ status: 'CANCELED', percentage: lastPercent });
      res.end();
    } else if (!res.destroyed) {
      sendError(res, 409, e.message);
    }
    return;
  }
  if (e instanceof FaultStop && e.fault === 'drop') {
    req.socket.destroy();
    return;
  }
  if (ctx.closing.aborted || res.destroyed) {
    res.destroy();
    return;
  }
  const percent = e instanceof FaultStop ? e.percent : lastPercent;
  if (!(e instanceof FaultStop)) ctx.log(`The emulated ${what} failed: ${(e as Error).message}`);
  if (streamed) {
    write({ status: 'FAILED', percentage: percent });
    res.end();
  } else {
    sendError(res, 500, e instanceof FaultStop ? `The ${what} failed at ${percent}%; try again.${kept}` : `The ${what} failed (${(e as Error).message}); try again.${kept}`);
  }
}

function answerDone(ctx: WorkContext, res: ServerResponse, record: StoredBackup, streamed: boolean, write: (v: Record<string, unknown>) => void, extra: Record<string, unknown>): void {
  const faults = ctx.faults();
  const wire = ctx.service.toWire(record);
  if (streamed) {
    write(faults.omitBackup === true ? { status: 'COMPLETED', percentage: 100, ...extra } : { status: 'COMPLETED', percentage: 100, backup: wire, ...extra });
    res.end();
  } else if (res.destroyed) {
    return;
  } else if (faults.malformed === true) {
    sendJson(res, 200, { ...wire, bytes: `${record.bytes} bytes`, device_name: undefined });
  } else {
    sendJson(res, 200, wire);
  }
}

/**
 * POST /backups/create(/streamed). The backup being made has its id from the start: streamed
 * values carry it as the extra field `backup_id` (clients ignore fields they do not know), so
 * creation/status and creation/cancel can be called while it runs (or with the id "current").
 * A create stops when its client goes away.
 */
export async function handleCreate(ctx: WorkContext, req: IncomingMessage, res: ServerResponse, streamed: boolean): Promise<void> {
  const { service } = ctx;
  const signal = AbortSignal.any([ctx.closing, clientGone(res)]);
  if (service.isBusy) return sendError(res, 409, busyMessage(service));
  const wireFraming = ctx.framing();
  const write = progressWriter(res, wireFraming);
  const extra: Record<string, unknown> = {};
  let lastPercent: number | null = 0;
  const hook = progressHook(ctx, signal, streamed ? write : null, extra);
  const job = service.create({
    signal, bytesPerSecond: ctx.bytesPerSecond,
    onStart: (id) => {
      extra.backup_id = id;
      if (!streamed) return;
      startStream(res, wireFraming);
      write({ status: 'INITIALIZED', percentage: 0, ...extra });
    },
    onProgress: async (percent, canceled) => {
      lastPercent = percent;
      await hook(percent, canceled);
    },
    onReset: () => {
      if (streamed) write({ status: 'RESET', percentage: 0, ...extra });
    },
  });
  ctx.jobs.add(job);
  try {
    answerDone(ctx, res, await job, streamed, write, extra);
  } catch (e) {
    answerFailure(ctx, req, res, e, streamed, 'backup', write, lastPercent);
  } finally {
    ctx.jobs.delete(job);
  }
}

/**
 * POST /backup/{id}/restore(/streamed): restores a backup the emulator made over its local
 * database. Unlike a create, a restore goes on when its client goes away (the work is PiecesOS's,
 * whoever watches); restoration/cancel stops it. A stalled restore (the stall fault) fails once
 * its client has gone, keeping the original data.
 */
export async function handleRestore(ctx: WorkContext, req: IncomingMessage, res: ServerResponse, id: string, streamed: boolean): Promise<void> {
  const { service } = ctx;
  const record = service.store.get(id);
  if (record === undefined) return sendError(res, 404, noSuchBackup(id));
  if (service.isBusy) return sendError(res, 409, busyMessage(service));
  const stallEnds = AbortSignal.any([ctx.closing, clientGone(res)]);
  const wireFraming = ctx.framing();
  const write = progressWriter(res, wireFraming);
  let lastPercent: number | null = 0;
  let started = false;
  const hook = progressHook(ctx, stallEnds, streamed ? write : null, {});
  const job = service.restore({
    id, signal: ctx.closing, bytesPerSecond: ctx.bytesPerSecond,
    onProgress: async (percent, canceled) => {
      // The first value: the backup has data and the slot is ours, so the answer can begin.
      if (!started) {
        started = true;
        if (streamed) {
          startStream(res, wireFraming);
          write({ status: 'INITIALIZED', percentage: 0 });
        }
      }
      lastPercent = percent;
      await hook(percent, canceled);
    },
    onReset: () => {
      if (streamed) write({ status: 'RESET', percentage: 0 });
    },
  });
  ctx.jobs.add(job);
  try {
    answerDone(ctx, res, await job, streamed, write, {});
  } catch (e) {
    answerFailure(ctx, req, res, e, streamed, 'restore', write, lastPercent);
  } finally {
    ctx.jobs.delete(job);
  }
}

/** GET /backup/{id}/creation/status and /restoration/status: BackupStatus. */
export function handleStatus(ctx: WorkContext, res: ServerResponse, kind: WorkKind, id: string): void {
  const state = ctx.service.status(kind, id);
  if (state === null) {
    return sendError(res, 404, id === CURRENT ? `No ${kind === 'create' ? 'backup has been made' : 'restore has run'} since the emulator started; name a backup id instead.` : noSuchBackup(id));
  }
  sendJson(res, 200, { value: state.status, percentage: state.percentage, backup: ctx.service.toWire(state.record) });
}

/** POST /backup/{id}/creation/cancel and /restoration/cancel: 204 once the work has stopped and
 * cleaned up (a restore's original data is in place); 500 when none is in progress, as documented. */
export async function handleCancel(ctx: WorkContext, res: ServerResponse, kind: WorkKind, id: string): Promise<void> {
  const outcome = await ctx.service.cancel(kind, id);
  if (!outcome.ok) return sendError(res, 500, outcome.reason);
  res.writeHead(204);
  res.end();
}

/** GET /backup/{id}: one backup's metadata. */
export function handleGet(ctx: WorkContext, res: ServerResponse, id: string): void {
  const record = ctx.service.store.get(id);
  if (record === undefined) return sendError(res, 404, noSuchBackup(id));
  sendJson(res, 200, ctx.service.toWire(record));
}

export function noSuchBackup(id: string): string {
  return `There is no backup with id ${JSON.stringify(id)}; list the backups to see which exist.`;
}

function busyMessage(service: BackupService): string {
  const running = service.running;
  if (running?.kind === 'restore') return `Backup ${JSON.stringify(running.id)} is being restored; wait for the restore to finish (or cancel it) and try again.`;
  return 'A backup is already in progress; wait for it to finish and try again.';
}
