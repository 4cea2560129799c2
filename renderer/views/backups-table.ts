// The backups, newest first: a grid of two-line rows ("Today, 02:29" / "test-box · macOS ·
// 12.0.0", the size on the right) that only puts the visible rows in the DOM (plus a few above and
// below), so 10,000 backups paint as fast as 10. Rows are keyed by id and reused while they stay in
// view. The list is one Tab stop: the arrow keys, Home/End and PageUp/PageDown move between rows
// (roving tabindex), Enter or a click opens the backup's details, where its actions are.
import type { Backup } from '../../main/api/wire.js';
import { el, setText, show } from '../dom.js';
import { formatBytes, platformName } from '../format.js';
import { listTime } from '../backup-time.js';
import { createBackupStore, type BackupStore } from '../backup-store.js';
import { formatAt } from '../../main/shared/time-format.js';
import { createDeviceFilter } from './device-filter.js';
import { sizeOfBytes } from './device-groups.js';

/** Height of one two-line row in CSS px (the windowing maths and the stylesheet's --row-h agree). */
export const ROW_HEIGHT = 52;
const OVERSCAN = 6;

export interface BackupsTable {
  root: HTMLElement;
  /** The backups to show, newest first; null: the list could not be loaded (the banner says why). */
  setBackups(list: BackupStore | null): void;
  /** Drop one backup locally (after a delete) from the store shown (the caller's, which sees it
   * gone too); the row after it (or before, when it was the last) becomes the list's current row. */
  remove(id: string): void;
  /** This computer's device name (the engine's device identity), to mark and filter its backups. */
  setThisDevice(name: string | null): void;
  /** Focus that backup's row (scrolling it into view); false when it is not listed. */
  focusRow(id: string): boolean;
  /** Focus the list's current row (e.g. the one after a deleted backup); false when the list is empty. */
  focusCurrent(): boolean;
  /** When the list was read from PiecesOS (ISO): "Updated 14:02"; null before the first read. */
  setUpdated(iso: string | null): void;
  /** A short sentence beside the Refresh control ("already deleted", a refresh that failed); null clears it. */
  say(message: string | null): void;
}

export interface RowActions {
  /** Show the backup's details (and its actions). */
  open(b: Backup): void;
  /** List the backups again; resolves with an error sentence, or null when the list came. */
  refresh(): Promise<string | null>;
}


/** "Updated 14:02" today, "Updated Nov 27, 14:02" before; empty when never read. */
export function updatedText(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return `Updated ${formatAt(new Date(t), new Date(now))}`;
}

interface RowNode extends HTMLDivElement {
  /** The backup the row shows (made by the store for it; only the rows in the DOM hold one). */
  backup?: Backup;
  from?: BackupStore;
  mine?: boolean;
}

export function createBackupsTable(actions: RowActions): BackupsTable {
  const rows = el('div', { class: 'rows' });
  const sizer = el('div', { role: 'rowgroup', class: 'sizer' }, rows);
  // The grid itself scrolls; it is focused only while its current row is out of the DOM.
  const viewport = el('div', { role: 'grid', class: 'viewport', 'aria-label': 'Backups', 'aria-rowcount': 0, tabindex: -1 }, sizer);
  const heading = el('h2', { class: 'count' });
  // A status region: "Updated 14:02", and what a refresh or a delete has to say, read out politely.
  const updated = el('span', { class: 'updated' });
  const message = el('span', { class: 'list-message' });
  const status = el('p', { class: 'list-status', role: 'status' }, updated, ' ', message);
  const refreshButton = el('button', { type: 'button', class: 'link refresh', 'aria-label': 'Refresh the backup list' }, 'Refresh');
  const header = el('div', { class: 'list-head' }, heading, status, refreshButton);
  const filter = createDeviceFilter(() => {
    applyFilter();
    refresh();
  });
  const empty = el('p', { class: 'empty', hidden: true });
  const root = el('section', { class: 'backups' }, header, filter.root, viewport, empty);
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

  /** Every backup listed, newest first; `items`: the places in `all` the device filter lets through. */
  let all: BackupStore = createBackupStore([]);
  let items = new Int32Array(0);
  let loaded = false;
  let thisDevice: string | null = null;
  /** The row with tabindex=0 (the list's one Tab stop); null: the first visible row. */
  let current: string | null = null;
  /** Where the current row was last seen: when it goes (deleted here or elsewhere), the row that
   * takes its place becomes current, so focus moves to the next row, never to <body>. */
  let currentAt = 0;
  let live = new Map<string, RowNode>();
  let frame = 0;

  function indexOf(id: string | null): number {
    if (id === null) return -1;
    for (let i = 0; i < items.length; i++) if (all.id(items[i]!) === id) return i;
    return -1;
  }

  function makeRow(): RowNode {
    const time = el('span', { class: 'time' });
    // (The comma, for screen readers only, keeps "This computer" apart from the device name.)
    const mine = el('span', { class: 'mine', hidden: true }, 'This computer', el('span', { class: 'sr-only' }, ', '));
    const device = el('span', { class: 'device' });
    const meta = el('span', { class: 'meta' });
    const row = el('div', { role: 'row', class: 'tr backup-row', tabindex: -1 },
      el('div', { role: 'gridcell', class: 'when' }, time),
      el('div', { role: 'gridcell', class: 'what' }, mine, device, meta),
      el('div', { role: 'gridcell', class: 'size' })) as RowNode;
    row.addEventListener('click', () => {
      if (!row.backup) return;
      current = row.backup.id;
      currentAt = Math.max(0, indexOf(current));
      syncTabStops();
      row.focus({ preventScroll: true });
      actions.open(row.backup);
    });
    return row;
  }

  /** `at`: the backup's place in the store; `index`: its row in the (filtered) list. */
  function fill(row: RowNode, at: number, index: number): void {
    row.setAttribute('aria-rowindex', String(index + 1));
    const mine = thisDevice !== null && all.deviceName(at) === thisDevice;
    // An id's backup never changes within one store (a delete only moves the others up).
    if (row.from === all && row.backup?.id === all.id(at) && row.mine === mine) return;
    const b = all.at(at);
    row.backup = b;
    row.from = all;
    row.mine = mine;
    row.dataset.id = b.id;
    const [when, what, size] = row.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    setText(when.firstChild!, listTime(b.created));
    const [badge, device, meta] = what.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    show(badge, mine);
    setText(device, b.deviceName);
    // The full values, also when a long device name is cut with an ellipsis.
    what.title = `${b.deviceName} · ${platformName(b.platform)} · PiecesOS ${b.version}`;
    setText(meta, `\u00a0· ${platformName(b.platform)} · ${b.version}`);
    setText(size, formatBytes(b.bytes));
  }

  function visibleRange(): [number, number] {
    const height = viewport.clientHeight || ROW_HEIGHT * 12;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    return [first, last];
  }

  function render(): void {
    frame = 0;
    const [first, last] = visibleRange();
    const next = new Map<string, RowNode>();
    let ref: ChildNode | null = rows.firstChild;
    for (let i = first; i < last; i++) {
      const at = items[i]!;
      const id = all.id(at);
      let row = live.get(id);
      if (row) live.delete(id);
      else row = makeRow();
      next.set(id, row);
      fill(row, at, i);
      // Leave rows that are already in place untouched (moving a node would drop its focus).
      if (row === ref) ref = ref.nextSibling;
      else rows.insertBefore(row, ref);
    }
    // The focused row scrolled out of the DOM: keep the focus in the list (on the grid), where
    // the arrow keys still go on from that row, rather than losing it to <body>.
    let parked = false;
    for (const stale of live.values()) {
      if (stale.contains(document.activeElement)) parked = true;
      stale.remove();
    }
    live = next;
    rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    if (parked) viewport.focus({ preventScroll: true });
    syncTabStops();
  }

  /** Exactly one row is in the Tab order: the current one, or (when it is out of the DOM and the
   * focus is elsewhere) the first visible row, which becomes the current one. */
  function syncTabStops(): void {
    const focusInList = viewport.contains(document.activeElement);
    if ((current === null || !live.has(current)) && !focusInList && items.length > 0) {
      const top = Math.min(items.length - 1, Math.floor(viewport.scrollTop / ROW_HEIGHT));
      const candidate = all.id(items[Math.max(0, top)]!);
      if (current === null || live.has(candidate)) {
        current = candidate;
        currentAt = Math.max(0, top);
      }
    }
    for (const [id, row] of live) row.tabIndex = id === current ? 0 : -1;
  }

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function renderNow(): void {
    if (frame) cancelAnimationFrame(frame);
    render();
  }

  function applyFilter(): void {
    const through = new Int32Array(all.length);
    let n = 0;
    for (let i = 0; i < all.length; i++) if (filter.matches(all.deviceName(i))) through[n++] = i;
    items = n === through.length ? through : through.slice(0, n);
  }

  function refresh(): void {
    viewport.setAttribute('aria-rowcount', String(items.length));
    sizer.style.height = `${items.length * ROW_HEIGHT}px`;
    let total = 0;
    for (let i = 0; i < all.length; i++) total += sizeOfBytes(all.bytes(i));
    setText(heading, loaded ? `Backups (${all.length.toLocaleString()}${all.length ? `, ${formatBytes(total)}` : ''})` : 'Backups');
    show(empty, items.length === 0);
    show(viewport, items.length > 0);
    setText(empty, loaded ? 'No backups yet. Choose “Back up now” to make the first one.' : 'The backups could not be loaded.');
    if (current !== null) {
      const at = indexOf(current);
      if (at >= 0) currentAt = at;
      else current = items.length > 0 ? all.id(items[Math.min(currentAt, items.length - 1)]!) : null;
    }
    // Render synchronously so the first paint already has rows; scrolling renders per frame.
    renderNow();
  }

  function scrollToIndex(index: number): void {
    const top = index * ROW_HEIGHT;
    const height = viewport.clientHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + height) viewport.scrollTop = top + ROW_HEIGHT - height;
  }

  function focusIndex(index: number): boolean {
    if (index < 0 || index >= items.length) return false;
    const id = all.id(items[index]!);
    current = id;
    currentAt = index;
    scrollToIndex(index);
    renderNow();
    const row = live.get(id);
    if (!row) return false;
    row.focus({ preventScroll: true });
    return true;
  }

  viewport.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || items.length === 0) return;
    const at = Math.max(0, indexOf(current));
    const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1, PageDown: at + page, PageUp: at - page,
    };
    if (e.key in moves) {
      e.preventDefault();
      focusIndex(Math.min(items.length - 1, Math.max(0, moves[e.key]!)));
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (at >= items.length) return;
      const b = all.at(items[at]!);
      e.preventDefault();
      focusIndex(at);
      actions.open(b);
    }
  });
  viewport.addEventListener('scroll', schedule, { passive: true });
  new ResizeObserver(schedule).observe(viewport);

  return {
    root,
    setBackups(list) {
      loaded = list !== null;
      all = list ?? createBackupStore([]);
      filter.update(all, thisDevice);
      applyFilter();
      refresh();
    },
    remove(id) {
      if (!all.remove(id)) return;
      filter.update(all, thisDevice);
      applyFilter();
      refresh();
    },
    setThisDevice(name) {
      if (name === thisDevice) return;
      thisDevice = name;
      filter.update(all, thisDevice);
      applyFilter();
      refresh();
    },
    setUpdated(iso) {
      updatedAt = iso;
      setText(updated, updatedText(updatedAt));
    },
    say(text) {
      setText(message, text ?? '');
    },
    focusRow(id) {
      const index = indexOf(id);
      return index >= 0 && focusIndex(index);
    },
    focusCurrent() {
      return focusIndex(Math.max(0, indexOf(current)));
    },
  };
}
