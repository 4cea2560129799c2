// The backups, newest first, as an ARIA table that only puts the visible rows in the DOM
// (plus a few above and below), so 10,000 backups paint as fast as 10. Rows are keyed by id and
// reused while they stay in view, which keeps keyboard focus on a row's button while scrolling.
import type { Backup } from '../../main/api/wire.js';
import { el, setText, show } from '../dom.js';
import { formatBytes, formatDate, platformName } from '../format.js';
import { sortNewestFirst } from '../../main/api/backup-order.js';

export const ROW_HEIGHT = 36;
const OVERSCAN = 6;

export interface BackupsTable {
  root: HTMLElement;
  /** null: the list could not be loaded (the banner says why). */
  setBackups(list: Backup[] | null): void;
  /** Drop one backup locally (after a confirmed delete). */
  remove(id: string): void;
  /** A backup or restore is running: the Restore… buttons wait for it. */
  setBusy(busy: boolean): void;
  /** Focus that backup's Restore… button (scrolling it into view); false when it is not listed. */
  focusRestore(id: string): boolean;
  /** When the list was read from PiecesOS (ISO): "Updated 14:02"; null before the first read. */
  setUpdated(iso: string | null): void;
  /** A short sentence beside the Refresh control ("already deleted", a refresh that failed); null clears it. */
  say(message: string | null): void;
}

export interface RowActions {
  restore(b: Backup): void;
  delete(b: Backup): void;
  /** List the backups again; resolves with an error sentence, or null when the list came. */
  refresh(): Promise<string | null>;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "Updated 14:02" today, "Updated Nov 27, 14:02" before; empty when never read. */
export function updatedText(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return `Updated ${new Date(t).toDateString() === new Date(now).toDateString() ? timeOnly.format(t) : dayAndTime.format(t)}`;
}

interface RowNode extends HTMLDivElement {
  backup?: Backup;
}

export function createBackupsTable(actions: RowActions): BackupsTable {
  const headers = ['Date', 'Size', 'Device', 'Platform', 'Version', ''];
  const headRow = el('div', { role: 'row', class: 'tr', 'aria-rowindex': 1 },
    ...headers.map((h) => (h ? el('div', { role: 'columnheader', class: 'th' }, h) : el('div', { role: 'columnheader', class: 'th' }, el('span', { class: 'sr-only' }, 'Actions')))));
  const rows = el('div', { class: 'rows' });
  const sizer = el('div', { role: 'rowgroup', class: 'sizer', 'aria-label': 'Backups list' }, rows);
  // The header sits in the scroll container (sticky) so its columns line up with the rows'.
  const viewport = el('div', { class: 'viewport', tabindex: 0 }, el('div', { role: 'rowgroup', class: 'thead' }, headRow), sizer);
  const table = el('div', { role: 'table', class: 'table', 'aria-label': 'Backups', 'aria-rowcount': 1 }, viewport);
  const heading = el('h2', { class: 'count' });
  // A status region: "Updated 14:02", and what a refresh or a delete has to say, read out politely.
  const updated = el('span', { class: 'updated' });
  const message = el('span', { class: 'list-message' });
  const status = el('p', { class: 'list-status', role: 'status' }, updated, ' ', message);
  const refreshButton = el('button', { type: 'button', class: 'link refresh', 'aria-label': 'Refresh the backup list' }, 'Refresh');
  const header = el('div', { class: 'list-head' }, heading, status, refreshButton);
  const empty = el('p', { class: 'empty', hidden: true });
  const root = el('section', { class: 'backups' }, header, table, empty);
  let updatedAt: string | null = null;

  // Not disabled while it runs: a disabled button would drop the keyboard focus.
  let refreshing = false;
  refreshButton.addEventListener('click', async () => {
    if (refreshing) return;
    refreshing = true;
    refreshButton.setAttribute('aria-busy', 'true');
    setText(refreshButton, 'Refreshing…');
    try {
      const err = await actions.refresh();
      setText(message, err ? `Could not refresh: ${err}` : '');
    } finally {
      refreshing = false;
      refreshButton.removeAttribute('aria-busy');
      setText(refreshButton, 'Refresh');
    }
  });

  let items: Backup[] = [];
  let loaded = false;
  let live = new Map<string, RowNode>();
  let frame = 0;
  let busy = false;

  function makeRow(): RowNode {
    const row = el('div', { role: 'row', class: 'tr' }) as RowNode;
    for (let i = 0; i < 5; i++) row.appendChild(el('div', { role: 'cell', class: 'td' }));
    const restore = el('button', { type: 'button', class: 'small restore' }, 'Restore…');
    restore.disabled = busy;
    restore.addEventListener('click', () => {
      if (row.backup && !busy) actions.restore(row.backup);
    });
    const del = el('button', { type: 'button', class: 'icon danger' }, '✕');
    del.addEventListener('click', () => {
      if (row.backup) actions.delete(row.backup);
    });
    row.appendChild(el('div', { role: 'cell', class: 'td act' }, restore, del));
    return row;
  }

  function fill(row: RowNode, b: Backup, index: number): void {
    row.setAttribute('aria-rowindex', String(index + 2));
    if (row.backup === b) return;
    row.backup = b;
    row.dataset.id = b.id;
    const cells = row.children;
    const date = formatDate(b.created);
    setText(cells[0]!, date);
    (cells[0] as HTMLElement).title = b.createdReadable ?? b.created;
    setText(cells[1]!, formatBytes(b.bytes));
    setText(cells[2]!, b.deviceName);
    (cells[2] as HTMLElement).title = b.deviceName;
    setText(cells[3]!, platformName(b.platform));
    setText(cells[4]!, b.version);
    (cells[4] as HTMLElement).title = b.version;
    const [restore, del] = cells[5]!.children;
    restore!.setAttribute('aria-label', `Restore backup from ${date} on ${b.deviceName}…`);
    del!.setAttribute('aria-label', `Delete backup from ${date} on ${b.deviceName}`);
  }

  function render(): void {
    frame = 0;
    const height = viewport.clientHeight || ROW_HEIGHT * 12;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    // (scrollTop counts from the sticky header's top; over-scan covers its 28 px.)
    const last = Math.min(items.length, Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const next = new Map<string, RowNode>();
    let ref: ChildNode | null = rows.firstChild;
    for (let i = first; i < last; i++) {
      const b = items[i]!;
      let row = live.get(b.id);
      if (row) live.delete(b.id);
      else row = makeRow();
      next.set(b.id, row);
      fill(row, b, i);
      // Leave rows that are already in place untouched (moving a node would drop its focus).
      if (row === ref) ref = ref.nextSibling;
      else rows.insertBefore(row, ref);
    }
    for (const stale of live.values()) stale.remove();
    live = next;
    rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
  }

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function refresh(): void {
    table.setAttribute('aria-rowcount', String(items.length + 1));
    sizer.style.height = `${items.length * ROW_HEIGHT}px`;
    const total = items.reduce((sum, b) => sum + (Number.isFinite(b.bytes) && b.bytes > 0 ? b.bytes : 0), 0);
    setText(heading, loaded ? `Backups (${items.length.toLocaleString()}${items.length ? `, ${formatBytes(total)}` : ''})` : 'Backups');
    show(empty, items.length === 0);
    show(table, items.length > 0);
    setText(empty, loaded ? 'No backups yet. Choose “Back up now” to make the first one.' : 'The backups could not be loaded.');
    // Render synchronously so the first paint already has rows; scrolling renders per frame.
    if (frame) cancelAnimationFrame(frame);
    render();
  }

  viewport.addEventListener('scroll', schedule, { passive: true });
  new ResizeObserver(schedule).observe(viewport);

  return {
    root,
    setBackups(list) {
      loaded = list !== null;
      items = list ? sortNewestFirst([...list]) : [];
      refresh();
    },
    remove(id) {
      const before = items.length;
      items = items.filter((b) => b.id !== id);
      if (items.length !== before) refresh();
    },
    setBusy(next) {
      if (busy === next) return;
      busy = next;
      for (const row of live.values()) restoreButton(row).disabled = busy;
    },
    setUpdated(iso) {
      updatedAt = iso;
      setText(updated, updatedText(updatedAt));
    },
    say(text) {
      setText(message, text ?? '');
    },
    focusRestore(id) {
      const index = items.findIndex((b) => b.id === id);
      if (index < 0) return false;
      if (!live.has(id)) {
        viewport.scrollTop = index * ROW_HEIGHT;
        if (frame) cancelAnimationFrame(frame);
        render();
      }
      const row = live.get(id);
      if (!row) return false;
      restoreButton(row).focus();
      return true;
    },
  };
}

function restoreButton(row: HTMLElement): HTMLButtonElement {
  return row.lastElementChild!.firstElementChild as HTMLButtonElement;
}
