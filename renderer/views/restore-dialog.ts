// The confirmation before a restore: a modal <dialog> (role=dialog, focus trapped by the browser)
// that says in plain words what a restore does. It REPLACES the Pieces data on this computer, so
// Cancel has the focus, Escape cancels, and "Restore" is styled as destructive. A backup from
// another device (moving to a new computer) may be restored; the dialog says whose it is.
import type { Backup } from '../../main/api/wire.js';
import type { IpcError } from '../../main/ipc/contract.js';
import { el, setText, show } from '../dom.js';
import { describeBackup, platformName } from '../format.js';

export interface RestoreDialogDeps {
  /** Start the restore; null when it started, else why not (shown in the dialog). */
  confirm(b: Backup, safetyBackup: boolean): Promise<IpcError | null>;
  /** This computer's device name as Pieces Backup knows it; null when not known. */
  thisDevice(): Promise<string | null>;
  /** The dialog closed: `started` says whether a restore began (focus goes to its Cancel), else
   * focus goes back to the row's Restore… button. */
  closed(b: Backup, started: boolean): void;
}

export interface RestoreDialog {
  root: HTMLDialogElement;
  /** `safetyBackup`: the checkbox's initial state (the safetyBackupBeforeRestore setting). */
  ask(b: Backup, safetyBackup: boolean): void;
  /** A backup or restore is running: Restore waits for it. */
  setBusy(busy: boolean): void;
}

export function createRestoreDialog(deps: RestoreDialogDeps): RestoreDialog {
  const title = el('h2', { id: 'restore-title' }, 'Restore this backup?');
  const what = el('p', { id: 'restore-what' });
  const since = el('p', { id: 'restore-since' });
  const other = el('p', { id: 'restore-other', class: 'note', hidden: true });
  const safety = el('input', { type: 'checkbox', id: 'restore-safety', 'aria-describedby': 'restore-safety-hint' });
  const safetyHint = el('p', { id: 'restore-safety-hint', class: 'hint' });
  const busyNote = el('p', { class: 'hint', hidden: true }, 'A backup or restore is running; Restore is available once it has finished.');
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const confirm = el('button', { type: 'button', class: 'danger-solid' }, 'Restore');
  const root = el('dialog', { class: 'confirm restore', 'aria-labelledby': 'restore-title', 'aria-describedby': 'restore-what restore-since restore-other' },
    title, what, since, other,
    el('label', { class: 'check' }, safety, 'Back up the current data first'),
    safetyHint, busyNote, error, el('div', { class: 'actions' }, cancel, confirm));
  // A native <dialog> opened with showModal() has role=dialog and is modal; say so for older AT too.
  root.setAttribute('aria-modal', 'true');

  let target: Backup | null = null;
  let started = false;
  let busy = false;
  let sending = false;
  /** Which ask() the device lookup answers, so a slow answer never lands on another backup. */
  let asked = 0;

  function renderSafety(): void {
    setText(safetyHint, safety.checked
      ? 'A backup of the Pieces data on this computer is made first, so you can go back to it.'
      : 'Without it, the data on this computer now cannot be brought back after the restore.');
    safetyHint.classList.toggle('warning', !safety.checked);
  }

  function renderBusy(): void {
    confirm.disabled = busy || sending;
    show(busyNote, busy && !sending);
  }

  async function describeOwner(b: Backup, ticket: number): Promise<void> {
    let mine: string | null = null;
    try {
      mine = await deps.thisDevice();
    } catch {
      mine = null; // not knowing this computer only means the dialog cannot tell; it stays usable
    }
    if (ticket !== asked) return;
    // Whose backup the dialog decided it is (tests wait for it instead of guessing a delay).
    root.dataset.owner = mine === null ? 'unknown' : mine === b.deviceName ? 'this' : 'other';
    if (mine === null || mine === b.deviceName) return;
    setText(other, `This backup was made on another computer, “${b.deviceName}” (${platformName(b.platform)}), not on this one (“${mine}”). Restoring it brings that computer’s Pieces data here, as when moving to a new computer.`);
    show(other, true);
  }

  cancel.addEventListener('click', () => root.close());
  root.addEventListener('cancel', (e) => {
    // Escape while the request is on its way would hide whether the restore started.
    if (sending) e.preventDefault();
  });
  root.addEventListener('close', () => {
    const b = target;
    target = null;
    asked++;
    if (b) deps.closed(b, started);
  });
  safety.addEventListener('change', renderSafety);
  confirm.addEventListener('click', async () => {
    if (!target || busy || sending) return;
    const b = target;
    sending = true;
    cancel.disabled = true;
    renderBusy();
    setText(confirm, 'Starting…');
    show(error, false);
    const err = await deps.confirm(b, safety.checked);
    sending = false;
    cancel.disabled = false;
    setText(confirm, 'Restore');
    renderBusy();
    if (target !== b) return;
    if (err) {
      setText(error, err.message);
      show(error, true);
      return;
    }
    started = true;
    root.close();
  });

  return {
    root,
    ask(b, safetyBackup) {
      target = b;
      started = false;
      const ticket = ++asked;
      const which = describeBackup(b);
      setText(what, `This replaces the Pieces data on this computer with the backup from ${which}.`);
      setText(since, 'Everything saved in Pieces since then is replaced; a restore does not merge.');
      show(other, false);
      delete root.dataset.owner;
      safety.checked = safetyBackup;
      renderSafety();
      show(error, false);
      renderBusy();
      if (!root.open) root.showModal();
      cancel.focus();
      void describeOwner(b, ticket);
    },
    setBusy(next) {
      busy = next;
      renderBusy();
    },
  };
}
