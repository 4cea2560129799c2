// Three tabs (Backups, History, Settings) so the small window needs no long scrolling.
// Follows the WAI-ARIA tabs pattern: arrow keys move between tabs, only the active one is tabbable.
import { el } from '../dom.js';

export function createTabs(panels: { id: string; label: string; content: HTMLElement }[]): HTMLElement {
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
  select(0, false);
  return el('div', { class: 'tabbed' }, list, ...sections);
}
