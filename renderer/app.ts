// The window's bootstrap: build the views, subscribe to main's events, then apply the whole
// snapshot at once (`app:snapshot`). Only `window.piecesBackup` is used, so the same code runs in
// Electron (preload bridge) and in the browser preview (HTTP + SSE bridge).
import type { Backup, ConnectionInfo, EngineState, IpcError, PiecesBackupBridge, Settings, Snapshot } from '../main/ipc/contract.js';
import type { RunError } from '../main/engine/types.js';
import { call, getBridge } from './bridge.js';
import { createBackupStore, type BackupStore } from './backup-store.js';
import { el, replaceChildren } from './dom.js';
import { formatDate } from './format.js';
import { createConnectionView, type RunProblem } from './views/connection.js';
import { createProgressView } from './views/progress.js';
import { createBackupsTable } from './views/backups-table.js';
import { createConfirmDelete } from './views/confirm-delete.js';
import { createBackupDetails } from './views/backup-details.js';
import { createRestoreDialog } from './views/restore-dialog.js';
import { createHistoryView } from './views/history.js';
import { createSettingsForm } from './views/settings-form.js';
import { createTabs } from './views/tabs.js';

function start(bridge: PiecesBackupBridge, root: HTMLElement): void {
  let connection: ConnectionInfo = { url: null, source: 'none', version: null, reachable: true };
  let backupsError: RunError | null = null;
  /** The engine's last failure and retry: shown until a later success, also in a reopened window. */
  let runProblem: RunProblem | null = null;
  /** The checkbox "Back up the current data first" starts from this setting. */
  let safetyDefault = true;
  /** The list shown, kept compactly (one object per backup cost the heap ≈ 218 B each). */
  let backups: BackupStore = createBackupStore([]);
  /** Whether `backups` is a list read from PiecesOS (not one that could not be loaded). */
  let listLoaded = false;
  /** Bumped by every list event and local delete: a list answer asked for before is stale. */
  let listVersion = 0;

  const conn = createConnectionView(async () => {
    const c = await call(bridge, 'connection:check');
    if (c.ok) connection = c.value;
    const list = await call(bridge, 'backups:list');
    if (list.ok) {
      backupsError = null;
      setBackups(list.value);
      table.setUpdated(new Date().toISOString());
    } else {
      backupsError = asRunError(list.error);
    }
    conn.update(connection, backupsError, runProblem);
  });

  const progress = createProgressView({
    backUp: async () => {
      const r = await call(bridge, 'backups:create');
      return r.ok ? null : r.error;
    },
    resume: async () => {
      const r = await call(bridge, 'pause:resume');
      if (r.ok) applyState(r.value);
    },
    cancel: async () => {
      const r = await call(bridge, 'run:cancel');
      return r.ok ? null : r.error;
    },
    restoreWithoutSafety: (id) => {
      const b = backups.find(id);
      if (b) restore.ask(b, false);
    },
    // The Cancel button that had focus is gone: back to the row the restore was about.
    focusAfterRun: (restored) => {
      if (!restored || !table.focusRow(restored.id)) progress.root.querySelector<HTMLButtonElement>('button.primary')?.focus();
    },
  });

  const confirm = createConfirmDelete(async (b: Backup) => {
    const r = await call(bridge, 'backups:delete', { id: b.id });
    if (!r.ok) return r.error;
    listVersion++;
    gone.add(b.id);
    // The details of a deleted backup close; focus goes to the row that took its place (after the
    // confirmation has closed and the browser has handed focus back, see below).
    deletedJustNow = true;
    details.dismiss();
    // The table shows `backups` itself: this drops the backup from both.
    table.remove(b.id);
    learnThisComputer();
    // Deleted elsewhere meanwhile (another app, device or a retention run): what was asked is done.
    table.say(r.value.alreadyDeleted ? `The backup from ${formatDate(b.created)} on ${b.deviceName} was already deleted; it is no longer listed.` : null);
    return null;
  });
  /** A delete succeeded: when its confirmation closes, focus goes to the next row, never <body>. */
  let deletedJustNow = false;
  confirm.root.addEventListener('close', () => {
    if (deletedJustNow) {
      deletedJustNow = false;
      if (!table.focusCurrent()) tabs.root.querySelector<HTMLElement>('[role=tab][aria-selected=true]')?.focus();
    } else if (details.shown) {
      details.focusDelete();
    }
  });
  const restore = createRestoreDialog({
    confirm: async (b, safetyBackup) => {
      const r = await call(bridge, 'backups:restore', { id: b.id, safetyBackup });
      return r.ok ? null : r.error;
    },
    thisDevice: lookUpThisDevice,
    closed: (b, started) => {
      if (started) {
        details.dismiss();
        progress.focusCancel();
      } else if (details.shown?.id === b.id) {
        details.focusRestore();
      } else {
        table.focusRow(b.id);
      }
    },
  });
  const details = createBackupDetails({
    restore: (b) => restore.ask(b, safetyDefault),
    delete: (b) => confirm.ask(b),
    closed: (b) => {
      if (!table.focusRow(b.id)) table.focusCurrent();
    },
  });
  const table = createBackupsTable({
    open: (b) => details.open(b, thisDevice),
    refresh: () => refreshList(),
  });
  const history = createHistoryView();
  const settings = createSettingsForm({
    previewSchedule: (spec) => call(bridge, 'schedule:preview', spec),
    previewRetention: (policy) => call(bridge, 'retention:preview', policy),
    save: (patch) => call(bridge, 'settings:update', patch),
    pause: async (until) => {
      const r = await call(bridge, 'pause:set', { until });
      if (r.ok) applyState(r.value);
      return r.ok ? null : r.error;
    },
    resume: async () => {
      const r = await call(bridge, 'pause:resume');
      if (r.ok) applyState(r.value);
      return r.ok ? null : r.error;
    },
  });

  // The tray opens the window at a view (index.html#settings) or, when it is open, sends event:navigate.
  const tabs = createTabs([
    { id: 'backups', label: 'Backups', content: table.root },
    { id: 'history', label: 'History', content: history.root },
    { id: 'settings', label: 'Settings', content: settings.root },
  ], location.hash.slice(1));
  replaceChildren(root, conn.root, conn.banner, progress.root, tabs.root, details.root, confirm.root, restore.root);
  bridge.on('event:navigate', ({ view }) => tabs.show(view));
  window.addEventListener('hashchange', () => tabs.show(location.hash.slice(1)));

  /** Ids this window deleted (or found already gone): a list read before that, arriving late as an
   * answer or an event, must not put the row back (ids are never reused). */
  const gone = new Set<string>();
  function setBackups(list: Backup[] | null): void {
    const shown = list === null || gone.size === 0 ? list : list.filter((b) => !gone.has(b.id));
    backups = createBackupStore(shown ?? []);
    listLoaded = shown !== null;
    table.setBackups(shown === null ? null : backups);
    learnThisComputer();
  }

  function applySettings(s: Settings): void {
    settings.update(s);
    safetyDefault = s.safetyBackupBeforeRestore !== false;
  }

  function applyState(s: EngineState): void {
    // One run at a time: no Restore… while a backup or restore runs (before the progress view
    // may give focus back to a row's button, which must be enabled by then).
    const busy = s.phase === 'running' && s.running !== null;
    details.setBusy(busy);
    restore.setBusy(busy);
    progress.update(s);
    settings.setPause(s.pausedUntil);
    // A run that failed because the person is signed out, PiecesOS is gone or the connection
    // dropped says so in the banner, until a later success (or, for signing in, a list) clears it.
    runProblem = { lastError: s.lastError, retry: s.retry };
    conn.update(connection, backupsError, runProblem);
  }

  /** This computer's device name (the engine's device identity), for marking its backups and
   * telling another device's backup in the restore dialog: the snapshot's, kept once known. While
   * it is not, a later list asks a fresh snapshot (PiecesOS may only name this computer once a
   * backup was made here); nothing is asked before the first snapshot has answered (it will say). */
  let thisDevice: string | null = null;
  let snapshotSeen = false;
  let lookingUp: Promise<string | null> | null = null;
  async function lookUpThisDevice(): Promise<string | null> {
    if (thisDevice !== null || !snapshotSeen) return thisDevice;
    lookingUp ??= call(bridge, 'app:snapshot').then((r) => {
      lookingUp = null;
      if (r.ok && r.value.thisDevice) thisDevice = r.value.thisDevice;
      return thisDevice;
    });
    return lookingUp;
  }

  /** Mark this computer's backups in the list, and say in the progress card when it was last
   * backed up (from the list, whoever made that backup). Asked again with each list while this
   * computer is not known yet (PiecesOS may only name it once it has made a backup here). */
  function learnThisComputer(): void {
    const apply = (name: string | null): void => {
      table.setThisDevice(name);
      progress.thisComputer(listLoaded && name !== null ? { latest: latestOf(backups, name) } : null);
    };
    if (thisDevice !== null) apply(thisDevice);
    else void lookUpThisDevice().then(apply);
  }

  bridge.on('event:state', applyState);
  /** List the backups again (main also sends event:backups to every window); the error sentence or null. */
  async function refreshList(): Promise<string | null> {
    const asked = listVersion;
    const r = await call(bridge, 'backups:list');
    if (!r.ok) return r.error.message;
    listSeen = true;
    // An answer read before a newer event or a local delete would put back what is gone: the
    // newer list stays (answers and events travel apart, so their order is not guaranteed).
    if (listVersion !== asked) return null;
    setBackups(r.value);
    table.setUpdated(new Date().toISOString());
    return null;
  }

  /** A list that came as an event is newer than the snapshot's, which may still be on its way. */
  let listSeen = false;
  bridge.on('event:backups', (list) => {
    listSeen = true;
    listVersion++;
    backupsError = null;
    setBackups(list);
    // Each event:backups is a list just read from PiecesOS.
    table.setUpdated(new Date().toISOString());
    conn.update(connection, backupsError, runProblem);
  });
  bridge.on('event:history', (h) => {
    history.update(h);
    progress.history(h);
  });
  bridge.on('event:settings', applySettings);
  bridge.on('event:connection', (c) => {
    connection = c;
    conn.update(connection, backupsError, runProblem);
  });

  void call(bridge, 'app:snapshot').then((r) => {
    if (!r.ok) {
      showFatal(root, r.error.message);
      return;
    }
    const snap: Snapshot = r.value;
    connection = snap.connection;
    backupsError = snap.backupsError;
    thisDevice ??= typeof snap.thisDevice === 'string' && snap.thisDevice !== '' ? snap.thisDevice : null;
    if (!listSeen) {
      setBackups(snap.backups);
      table.setUpdated(snap.backupsUpdatedAt);
    } else {
      learnThisComputer();
    }
    snapshotSeen = true;
    // The list shown may be the one the app cached when a window was last open: refresh it in the
    // background (the answer, not only event:backups, which a stream still connecting may miss).
    // A stale list is said to be one; with no list at all the banner already says why.
    const cached = snap.backups !== null;
    void refreshList().then((err) => {
      if (err && cached) table.say(`Could not refresh: ${err}`);
    });
    runProblem = { lastError: snap.state.lastError, retry: snap.state.retry };
    conn.update(connection, backupsError, runProblem);
    history.update(snap.history);
    progress.history(snap.history);
    applyState(snap.state);
    applySettings(snap.settings);
    // Tests and the benchmark wait for this mark instead of guessing.
    document.body.dataset.ready = 'true';
  });

  setInterval(() => progress.tick(), 30_000);
}

/** When the newest backup of that device was made (ISO), or null when it has none listed. */
function latestOf(list: BackupStore, device: string): string | null {
  let latest = -1;
  for (let i = 0; i < list.length; i++) {
    // createdMillis is Date.parse's reading of the creation time.
    if (list.deviceName(i) === device && !Number.isNaN(list.createdMillis(i)) && (latest < 0 || list.createdMillis(i) > list.createdMillis(latest))) latest = i;
  }
  return latest < 0 ? null : list.created(latest);
}

function asRunError(e: IpcError): RunError {
  return { kind: e.kind === 'invalid-request' || e.kind === 'unknown-channel' ? 'internal' : e.kind, message: e.message };
}

function showFatal(root: HTMLElement, message: string): void {
  replaceChildren(root, el('div', { class: 'banner', role: 'alert' }, el('strong', {}, 'Pieces Backup could not start this window.'), ' ', message));
}

const root = document.getElementById('app');
if (root) {
  const bridge = getBridge();
  if (bridge) start(bridge, root);
  else showFatal(root, 'Open it from the Pieces Backup app (or `npm run preview`), not directly.');
}
