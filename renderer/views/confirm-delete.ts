// The confirmation before a backup is deleted: a modal <dialog> (role=dialog, focus trapped by
// the browser) naming the backup, with the error shown in place when the delete fails.
import type { Backup } from '../../main/api/wire.js';
import type { IpcError } from '../../main/ipc/contract.js';
import { el, setText, show } from '../dom.js';
import { formatBytes, formatDate, platformName } from '../format.js';

export interface ConfirmDelete {
  root: HTMLDialogElement;
  ask(b: Backup): void;
}

export function createConfirmDelete(onConfirm: (b: Backup) => Promise<IpcError | null>): ConfirmDelete {
  const title = el('h2', { id: 'confirm-title' }, 'Delete this backup?');
  const what = el('p', { id: 'confirm-what' });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const confirm = el('button', { type: 'button', class: 'danger-solid' }, 'Delete');
  const root = el('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-what' },
    title, what, error, el('div', { class: 'actions' }, cancel, confirm));

  let target: Backup | null = null;
  cancel.addEventListener('click', () => root.close());
  root.addEventListener('close', () => {
    target = null;
  });
  confirm.addEventListener('click', async () => {
    if (!target) return;
    const b = target;
    confirm.disabled = cancel.disabled = true;
    setText(confirm, 'Deleting…');
    const err = await onConfirm(b);
    confirm.disabled = cancel.disabled = false;
    setText(confirm, 'Delete');
    if (err) {
      setText(error, err.message);
      show(error, true);
    } else if (target === b) {
      root.close();
    }
  });

  return {
    root,
    ask(b) {
      target = b;
      setText(what, `The backup from ${formatDate(b.created)} (${formatBytes(b.bytes)}, ${b.deviceName}, ${platformName(b.platform)}, PiecesOS ${b.version}) will be deleted from the Pieces cloud. This cannot be undone.`);
      show(error, false);
      if (!root.open) root.showModal();
      cancel.focus();
    },
  };
}
