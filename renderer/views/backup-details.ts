// One backup in full (id, exact time with its zone, device, platform, PiecesOS version, size) and
// what can be done with it: Restore… and Delete…, labelled buttons that open their own
// confirmations on top. A modal <dialog>: focus stays inside, Escape or Close closes it, and focus
// then goes back to the backup's row (unless the caller moves it elsewhere, e.g. after a delete).
import type { Backup } from '../../main/api/wire.js';
import { el, setText } from '../dom.js';
import { formatBytes, platformName } from '../format.js';
import { exactTime, listTime } from '../backup-time.js';

export interface BackupDetailsActions {
  restore(b: Backup): void;
  delete(b: Backup): void;
  /** The dialog closed by Escape or Close: focus goes back to the list. */
  closed(b: Backup): void;
}

export interface BackupDetails {
  root: HTMLDialogElement;
  open(b: Backup, thisDevice: string | null): void;
  /** Close without handing focus back to the list (the caller places it). */
  dismiss(): void;
  /** The backup shown, or null when closed. */
  readonly shown: Backup | null;
  /** A backup or restore is running: Restore… waits for it. */
  setBusy(busy: boolean): void;
  focusRestore(): void;
  focusDelete(): void;
}

export function createBackupDetails(actions: BackupDetailsActions): BackupDetails {
  // Focused on open, so a screen reader starts from which backup this is.
  const title = el('h2', { id: 'details-title', tabindex: -1 });
  const fields = el('dl', { class: 'details-fields' });
  const restore = el('button', { type: 'button' }, 'Restore…');
  const del = el('button', { type: 'button', class: 'danger' }, 'Delete…');
  const close = el('button', { type: 'button' }, 'Close');
  const busyNote = el('p', { class: 'hint', id: 'details-busy', hidden: true }, 'A backup or restore is running; Restore is available once it has finished.');
  const root = el('dialog', { class: 'confirm details', 'aria-labelledby': 'details-title' },
    title, fields, busyNote, el('div', { class: 'actions' }, restore, del, close));
  root.setAttribute('aria-modal', 'true');

  let target: Backup | null = null;
  let handBack = true;
  let busy = false;

  restore.addEventListener('click', () => {
    if (target && !busy) actions.restore(target);
  });
  del.addEventListener('click', () => {
    if (target) actions.delete(target);
  });
  close.addEventListener('click', () => root.close());
  root.addEventListener('close', () => {
    const b = target;
    target = null;
    if (b && handBack) actions.closed(b);
    handBack = true;
  });

  function field(name: string, value: string): HTMLElement[] {
    return [el('dt', {}, name), el('dd', {}, value)];
  }

  function renderBusy(): void {
    restore.disabled = busy;
    busyNote.hidden = !busy;
  }

  return {
    root,
    get shown() {
      return target;
    },
    open(b, thisDevice) {
      target = b;
      handBack = true;
      const mine = thisDevice !== null && b.deviceName === thisDevice;
      setText(title, `Backup from ${listTime(b.created)}`);
      const bytes = Number.isFinite(b.bytes) && b.bytes >= 0 ? `${formatBytes(b.bytes)} (${b.bytes.toLocaleString()} bytes)` : '—';
      fields.replaceChildren(
        ...field('Made', exactTime(b.created)),
        ...field('Device', mine ? `${b.deviceName} (this computer)` : b.deviceName),
        ...field('Platform', platformName(b.platform)),
        ...field('PiecesOS version', b.version),
        ...field('Size', bytes),
        ...field('ID', b.id),
      );
      renderBusy();
      if (!root.open) root.showModal();
      title.focus();
    },
    dismiss() {
      if (!root.open) return;
      handBack = false;
      root.close();
    },
    setBusy(next) {
      busy = next;
      renderBusy();
    },
    focusRestore() {
      (restore.disabled ? close : restore).focus();
    },
    focusDelete() {
      del.focus();
    },
  };
}
