// The Electron-free core behind every front end: settings, history, the connection to PiecesOS,
// the engine, notifications, and the IPC answers. The tray app, the preview server and the daemon
// each build one and present it.
import type { AppCore, Notice } from './types.js';
import type { ConnectionInfo, EventChannel, EventPayloads, Snapshot } from '../ipc/contract.js';
import type { BackupsApi } from '../api/backups-api.js';
import { createClient } from '../api/client.js';
import { probe, resolveBaseUrl } from '../api/discovery.js';
import { TRANSPORT_KINDS, failureOf, isApiError, type ApiErrorKind } from '../api/errors.js';
import { BackupEngine, type EngineOptions } from '../engine/engine.js';
import { openDeletionLog, openHistory } from '../engine/history.js';
import { recordInterruptedRun, trackRunsForInterruption } from '../engine/interrupted.js';
import { LOCK_FILE, tryAcquireRunLock } from '../engine/run-lock.js';
import type { LockBy } from '../engine/types.js';
import { openDeviceIdentity } from '../engine/device-identity.js';
import { systemClock, type Clock } from '../engine/clock.js';
import { Emitter } from '../engine/emitter.js';
import { openSettings, type StoreClass } from '../settings/store.js';
import type { ScheduleSpec } from '../settings/schema.js';
import { createNoticePolicy } from './notices.js';
import { coalesceRefresh, noteListChanged, watchRunFiles } from './list-refresh.js';
import { startLiveWatch, type LiveWatch } from './live-watch.js';
import { handleInvoke, type HandlerContext } from '../ipc/handlers.js';
import type { Backup } from '../api/wire.js';
import { join } from 'node:path';

/** How long a stop waits for a start-up still under way (local files only: quick). */
const START_GRACE_MS = 3000;
/** How long a window's snapshot waits for PiecesOS to name this computer (a local call, normally
 * instant) before answering with what was learned before: a stalled PiecesOS must not hold a window. */
const DEVICE_NAME_WAIT_MS = 3000;

export interface AppCoreOptions {
  configDir: string;
  /** An address given on the command line; wins over the setting. */
  url?: string | null;
  storeClass?: StoreClass;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  /** Called when PiecesOS is not found, e.g. to start the emulator; its URL is used with source 'emulator'. */
  fallbackUrl?: () => Promise<string>;
  scheduleOverride?: ScheduleSpec;
  log?: EngineOptions['log'];
  /** Client timeouts (ms). */
  timeoutMs?: number;
  stallTimeoutMs?: number;
  /** Minutes without progress before a backup is judged stalled (the daemon's --stall-minutes). */
  stallMinutes?: number;
  /** Which front end this core serves (the tray app or the daemon): recorded in the backup lock,
   * so another process that finds it held can say who runs what. Absent: the lock does not say. */
  frontEnd?: LockBy;
}

export interface FullAppCore extends AppCore {
  readonly engine: BackupEngine;
  /** Set when the settings file was broken and the app started on defaults. */
  readonly settingsRecovered?: { brokenFile: string; reason: string };
}

export async function createAppCore(opts: AppCoreOptions): Promise<FullAppCore> {
  const clock = opts.clock ?? systemClock;
  const settings = openSettings({ configDir: opts.configDir, ...(opts.storeClass ? { storeClass: opts.storeClass } : {}), now: () => clock.now() });
  const history = openHistory(opts.configDir);
  const events = new Emitter<EventPayloads>();
  const notices = new Emitter<{ notice: Notice }>();

  let connection: ConnectionInfo = { url: null, source: 'none', version: null, reachable: false };
  let client: BackupsApi | null = null;
  let resolving: Promise<BackupsApi> | null = null;
  const setConnection = (c: ConnectionInfo) => {
    connection = c;
    events.emit('event:connection', c);
  };

  /** Forget the client (its address may be stale), closing its idle connections. */
  const dropClient = () => {
    client?.close?.();
    client = null;
  };

  const resolve = async (): Promise<BackupsApi> => {
    const explicit = opts.url ?? settings.get().piecesOsUrl;
    let found: { url: string; source: ConnectionInfo['source']; version: string | null };
    try {
      found = await resolveBaseUrl({ explicit, env: opts.env ?? process.env, howToSetAddress: 'set its address in Settings' });
    } catch (e) {
      if (!opts.fallbackUrl || !isApiError(e) || e.kind !== 'unreachable' || explicit) throw e;
      found = { url: await opts.fallbackUrl(), source: 'emulator', version: null };
    }
    client = createClient({ baseUrl: found.url, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.stallTimeoutMs ? { stallTimeoutMs: opts.stallTimeoutMs } : {}) });
    setConnection({ url: found.url, source: found.source, version: found.version, reachable: true });
    return client;
  };
  const api = async (): Promise<BackupsApi> => {
    if (client) return client;
    resolving ??= resolve().finally(() => (resolving = null));
    try {
      return await resolving;
    } catch (e) {
      setConnection({ ...connection, reachable: false });
      throw e;
    }
  };

  const identity = openDeviceIdentity(opts.configDir, { now: () => clock.now(), ...(opts.log ? { log: (m: string) => opts.log?.('warn', m) } : {}) });
  const engine = new BackupEngine({
    api,
    settings,
    history,
    clock,
    identity,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.scheduleOverride ? { scheduleOverride: opts.scheduleOverride } : {}),
    ...(opts.stallMinutes ? { stallMinutesOverride: opts.stallMinutes } : {}),
    runLock: (what) => tryAcquireRunLock(opts.configDir, { what, ...(opts.frontEnd ? { by: opts.frontEnd } : {}) }),
    deletions: openDeletionLog(opts.configDir),
  });

  const policy = createNoticePolicy({ settings: () => settings.get(), clock });
  let lastBackups: Backup[] | null = null;
  let backupsError: Snapshot['backupsError'] = null;
  /** When the list in `lastBackups` was read from PiecesOS (ISO); the window says "Updated 14:02". */
  let backupsUpdatedAt: string | null = null;

  engine.on('state', (s) => {
    events.emit('event:state', s);
    const n = policy.fromState(s);
    if (n) notices.emit('notice', n);
  });
  // A run ended by a shutdown or a crash is recorded as interrupted at the next start.
  trackRunsForInterruption(engine, opts.configDir, (m) => opts.log?.('warn', m));
  // Every list that succeeds says so here: then "not signed in" from an earlier run is no longer true.
  events.on('event:backups', () => engine.listSucceeded());
  engine.on('backups', (list) => {
    lastBackups = list;
    backupsError = null;
    backupsUpdatedAt = new Date(clock.now()).toISOString();
    events.emit('event:backups', list);
  });
  engine.on('run-finished', (ev) => {
    const kind = ev.entry.error?.kind;
    // A discovered PiecesOS may have moved to another port: rediscover on the next attempt.
    if (kind === 'unreachable' && connection.source === 'discovered') dropClient();
    if (kind && TRANSPORT_KINDS.has(kind as ApiErrorKind)) {
      // "Not reachable" only when PiecesOS does not answer its health check: a stream that dropped
      // or stalled while it answers is said as such (from the engine's last error), not as offline.
      const url = connection.url;
      if (url === null) setConnection({ ...connection, reachable: false });
      else {
        void probe(url).then((p) => {
          if (connection.url === url && connection.reachable !== p.ok) setConnection({ ...connection, reachable: p.ok });
        });
      }
    } else if (ev.entry.result === 'completed' && !connection.reachable) setConnection({ ...connection, reachable: true });
    void history.list().then((h) => events.emit('event:history', h), () => undefined);
    const n = policy.fromRun(ev);
    if (n) notices.emit('notice', n);
  });
  engine.on('waiting-long', (w) => {
    const n = policy.fromWaiting(w, join(opts.configDir, LOCK_FILE));
    if (n) notices.emit('notice', n);
  });
  settings.onChange((next, prev) => {
    if (next.piecesOsUrl !== prev.piecesOsUrl) dropClient();
    events.emit('event:settings', next);
  });

  type ListOutcome = { ok: true; backups: Backup[] } | { ok: false; error: NonNullable<Snapshot['backupsError']> };
  const listBackups = async (): Promise<ListOutcome> => {
    try {
      const list = await (await api()).list();
      lastBackups = list;
      backupsError = null;
      backupsUpdatedAt = new Date(clock.now()).toISOString();
      events.emit('event:backups', list);
      return { ok: true, backups: list };
    } catch (e) {
      backupsError = failureOf(e);
      return { ok: false, error: backupsError };
    }
  };
  const listRefresh = coalesceRefresh(listBackups, {
    // Real time, whatever the engine's clock: the limit protects PiecesOS from a burst of list
    // calls, and a test's ManualClock must not hold a refresh (or count its timer).
    clock: systemClock,
    fallback: (): ListOutcome => ({ ok: false, error: { kind: 'internal', message: 'Pieces Backup is shutting down; the list was not refreshed.' } }),
  });
  /** The one way to refresh the backup list (window, watch, IPC, the PiecesOS watch): coalesced,
   * at most once a second; listeners get event:backups. */
  const refreshBackups = (): Promise<ListOutcome> => listRefresh.request();
  // Another process on this settings folder (daemon, CLI, a second app) backed up, restored,
  // deleted or pruned: its history, deletion log or backups-changed file changed. Followed only
  // once a window has shown the list: the daemon, which shows none, never lists for it.
  let unwatchRunFiles: (() => void) | null = null;
  let listShown = false;
  // The live watch of PiecesOS (WebSocket): runs started by other clients, and any run's end.
  let live: LiveWatch | null = null;
  const startLive = (): LiveWatch => startLiveWatch({
    clock,
    // The address already found; discovery only while none is known (at most once per attempt).
    baseUrl: async () => client?.baseUrl ?? (await api()).baseUrl,
    ownRunActive: () => engine.getState().phase === 'running',
    onExternal: (run) => engine.setExternalRun(run),
    onRunEnded: () => void refreshBackups(),
    ...(opts.log ? { log: opts.log } : {}),
  });

  const snapshot = async (): Promise<Snapshot> => {
    // A window opens: the cached list at once (it then asks for a fresh one with backups:list,
    // whose answer it gets even before its event stream is connected); only the very first
    // window waits for PiecesOS.
    listShown = true;
    if (lastBackups === null) await refreshBackups();
    const [entries, device] = await Promise.all([history.list().catch(() => []), thisDevice()]);
    return { state: engine.getState(), connection, settings: settings.get(), backups: lastBackups, backupsError, backupsUpdatedAt, history: entries, thisDevice: device };
  };

  /** This computer's device name for the snapshot: PiecesOS is asked again when it has been reached
   * (it may have named the machine since), else what was learned before (kept in device.json); no
   * discovery just for this. The very identity retention and restore go by. */
  const thisDevice = async (): Promise<string | null> => {
    const known = client ? await identity.resolve(client, AbortSignal.timeout(DEVICE_NAME_WAIT_MS)) : await identity.known();
    return known?.name ?? null;
  };

  const checkConnection = async (): Promise<ConnectionInfo> => {
    dropClient();
    try {
      await api();
    } catch {
      return connection;
    }
    // Discovery has just probed health and version; an address given by hand has not.
    if (connection.url && connection.source !== 'discovered') {
      const p = await probe(connection.url).catch(() => ({ ok: false, version: null }));
      setConnection({ ...connection, reachable: p.ok, version: p.version ?? connection.version });
    }
    return connection;
  };

  const ctx: HandlerContext = {
    engine, settings, history, api, snapshot, checkConnection,
    now: () => clock.now(),
    backupsChanged: () => {
      void refreshBackups();
      void noteListChanged(opts.configDir);
    },
    refreshBackups,
  };

  const startOnce = async (): Promise<void> => {
    // A settings file that could not be read is never lost silently: say so once, at start.
    if (settings.recovered) notices.emit('notice', { kind: 'settings-reset', title: 'Settings were reset', body: settings.recovered.reason });
    if (settings.readOnly) notices.emit('notice', { kind: 'settings-read-only', title: 'Settings are read-only', body: settings.readOnly.reason });
    await recordInterruptedRun(opts.configDir, history).catch((e: unknown) => opts.log?.('warn', `Could not check for a run that was interrupted (${e instanceof Error ? e.message : String(e)}).`));
    await engine.start();
    unwatchRunFiles ??= watchRunFiles(opts.configDir, () => {
      if (listShown) void refreshBackups();
    });
    live ??= startLive();
  };
  const stopOnce = async (): Promise<void> => {
    unwatchRunFiles?.();
    unwatchRunFiles = null;
    live?.stop();
    live = null;
    listRefresh.close();
    await engine.stop();
    // A settings write the engine started (e.g. recording when the schedule was set) finishes
    // before the process may exit or its folder be removed.
    await settings.flush();
  };
  let starting: Promise<void> | null = null;

  const core: FullAppCore = {
    engine,
    start() {
      starting ??= startOnce();
      return starting;
    },
    async stop() {
      // A stop that comes while start-up is still under way (the daemon races them) waits for it,
      // briefly: otherwise start-up would go on, and write, after the stop returned.
      if (starting) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([starting.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, START_GRACE_MS)))]);
        clearTimeout(timer);
      }
      await stopOnce();
    },
    handle: (channel, payload) => handleInvoke(ctx, channel, payload),
    snapshot,
    current: () => ({ state: engine.getState(), settings: settings.get(), connection }),
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) {
      return events.on(channel, listener);
    },
    onNotice(listener) {
      return notices.on('notice', listener);
    },
    systemResumed() {
      engine.systemResumed();
    },
  };
  if (settings.recovered) (core as { settingsRecovered?: typeof settings.recovered }).settingsRecovered = settings.recovered;
  return core;
}
