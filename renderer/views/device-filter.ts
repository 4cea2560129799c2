// "Show: All devices / This computer / each other device", each with its count and total size.
// A native <select>: one control, labelled, keyboard and screen-reader friendly, and as narrow as
// the window needs at 320 CSS px. Hidden while the backups come from one device only.
import type { BackupStore } from '../backup-store.js';
import { el, show } from '../dom.js';
import { formatBytes } from '../format.js';
import { groupByDevice, type DeviceGroup } from './device-groups.js';

export interface DeviceFilter {
  root: HTMLElement;
  /** The backups and this computer's device name changed: rebuild the choices (keeping the current one when it still exists). */
  update(list: BackupStore, thisDevice: string | null): void;
  /** Whether the backups of that device are shown under the current choice. */
  matches(deviceName: string): boolean;
  /** The choice the list shows, e.g. "all", "this", "device:old-laptop". */
  readonly value: string;
}

const ALL = 'all';
const THIS = 'this';
const valueOf = (g: DeviceGroup): string => (g.thisComputer ? THIS : `device:${g.device}`);
const amount = (count: number, bytes: number): string => `${count.toLocaleString()} ${count === 1 ? 'backup' : 'backups'}, ${formatBytes(bytes)}`;

export function createDeviceFilter(onChange: () => void): DeviceFilter {
  const select = el('select', { id: 'device-filter', class: 'device-filter' });
  const root = el('div', { class: 'device-filter-row', hidden: true }, el('label', { for: 'device-filter' }, 'Show'), select);
  let value = ALL;
  let thisName: string | null = null;

  select.addEventListener('change', () => {
    value = select.value;
    onChange();
  });

  return {
    root,
    get value() {
      return value;
    },
    update(list, thisDevice) {
      thisName = thisDevice;
      const groups = groupByDevice(list, thisDevice);
      const total = groups.reduce((sum, g) => sum + g.bytes, 0);
      const options = [el('option', { value: ALL }, `All devices (${amount(list.length, total)})`)];
      for (const g of groups) {
        options.push(el('option', { value: valueOf(g) }, `${g.thisComputer ? `This computer, ${g.device}` : g.device} (${amount(g.count, g.bytes)})`));
      }
      // The device chosen has no backups left (or became "this computer"): show them all again.
      if (!options.some((o) => o.value === value)) value = ALL;
      select.replaceChildren(...options);
      select.value = value;
      show(root, groups.length > 1 || (groups.length === 1 && value !== ALL));
    },
    matches(deviceName) {
      if (value === ALL) return true;
      if (value === THIS) return thisName !== null && deviceName === thisName;
      return `device:${deviceName}` === value;
    },
  };
}
