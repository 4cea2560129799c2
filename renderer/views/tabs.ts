// Three tabs (Backups, History, Settings) so the small window needs no long scrolling.
// Follows the WAI-ARIA tabs pattern: arrow keys move between tabs, only the active one is tabbable.
import { el } from '../dom.js';

export interface Tabs {
  root: HTMLElement;
  /** Show the panel with this id (unknown ids are ignored: the id may come from a URL). */
  show(id: string): void;
}

export function createTabs(panels: { id: string; label: string; content: HTMLElement }[], initial?: string): Tabs {
  const tabs: HTMLButtonElement[] = [];
  const sections: HTMLElement[] = [];
  const list = el('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Views' });
  for (const p of panels) {
    const tab = el('button', { type: 'button', role: 'tab', id: `tab-${p.id}`, 'aria-controls': `panel-${p.id}` }, p.label);
    const panel = el('div', { role: 'tabpanel', id: `panel-${p.id}`, 'aria-labelledby': tab.id, class: 'panel' }, p.content);
    tabs.push(tab);
    sections.push(panel);
    list.appendChild(tab);
  }
  function select(i: number, focus: boolean): void {
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      sections[j]!.hidden = i !== j;
    });
    if (focus) tabs[i]!.focus();
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(i, false));
    t.addEventListener('keydown', (e) => {
      const n = tabs.length;
      const to = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
      if (to >= 0) {
        e.preventDefault();
        select(to, true);
      }
    });
  });
  const show = (id: string) => {
    const i = panels.findIndex((p) => p.id === id);
    if (i >= 0) select(i, false);
  };
  select(0, false);
  if (initial) show(initial);
  return { root: el('div', { class: 'tabbed' }, list, ...sections), show };
}
