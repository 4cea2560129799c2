// The run history, newest first. Only the latest entries are drawn; the rest are counted.
import type { HistoryEntry } from '../../main/engine/types.js';
import { el, replaceChildren, setText, show } from '../dom.js';
import { formatBytes, formatDate, formatDuration, resultName, triggerName } from '../format.js';

const SHOWN = 200;

export interface HistoryView {
  root: HTMLElement;
  update(entries: HistoryEntry[]): void;
}

export function createHistoryView(): HistoryView {
  const list = el('ol', { class: 'history', 'aria-label': 'Backup history' });
  const empty = el('p', { class: 'empty' }, 'Nothing has run yet.');
  const more = el('p', { class: 'more', hidden: true });
  const root = el('section', { class: 'history-view' }, list, empty, more);

  return {
    root,
    update(entries) {
      const safe = Array.isArray(entries) ? entries.filter((e) => e && typeof e === 'object') : [];
      const sorted = safe.slice().sort((a, b) => (Date.parse(b.startedAt) || 0) - (Date.parse(a.startedAt) || 0));
      replaceChildren(list, ...sorted.slice(0, SHOWN).map(item));
      show(empty, sorted.length === 0);
      show(more, sorted.length > SHOWN);
      setText(more, `and ${(sorted.length - SHOWN).toLocaleString()} older runs`);
    },
  };
}

function item(e: HistoryEntry): HTMLLIElement {
  const result = String(e.result);
  const detail: string[] = [triggerName(e.trigger)];
  const took = formatDuration(e.startedAt, e.finishedAt);
  if (took) detail.push(took);
  if (typeof e.bytes === 'number') detail.push(formatBytes(e.bytes));
  return el('li', { class: `run-item ${result}` },
    el('span', { class: `badge ${result}` }, resultName(result)),
    el('span', { class: 'when' }, formatDate(e.startedAt)),
    el('span', { class: 'detail' }, detail.join(' · ')),
    e.error ? el('span', { class: 'why' }, e.error.message) : null,
    errorDetail(e),
    typeof e.note === 'string' ? el('span', { class: 'note' }, e.note) : null,
    removedBy(e));
}

/** The error's detail (a system error code, the server's own words), kept out of the sentence
 * everywhere else: here, behind "Details", for whoever needs to report it. */
function errorDetail(e: HistoryEntry): HTMLElement | null {
  const detail = e.error?.detail;
  if (typeof detail !== 'string' || detail === '') return null;
  return el('details', { class: 'error-detail' }, el('summary', {}, 'Details'), el('code', {}, detail));
}

/** "removed 4", expanding to the ids retention deleted after this backup (the record keeps ids only). */
function removedBy(e: HistoryEntry): HTMLElement | null {
  const ids = Array.isArray(e.retentionDeleted) ? e.retentionDeleted.filter((id): id is string => typeof id === 'string') : [];
  if (ids.length === 0) return null;
  return el('details', { class: 'removed' },
    el('summary', {}, `removed ${ids.length.toLocaleString()}`),
    el('ul', { 'aria-label': 'Backups retention removed' }, ...ids.map((id) => el('li', {}, id))));
}
