// What the CLI prints: the --json shapes (a stable contract for scripts) and the human table.
import type { Backup } from '../api/wire.js';
import { formatBytes } from '../shared/format.js';
import { formatDateTimeIso } from '../shared/time-format.js';
import { platformName } from '../shared/platform-name.js';
import { visible } from '../shared/terminal-text.js';

export interface BackupJson {
  id: string;
  version: string;
  timestamp: string;
  bytes: number;
  created: string;
  deviceName: string;
  platform: string;
}

/** `created` as an ISO 8601 string (normalised when the server sent another date form). */
export function backupJson(b: Backup): BackupJson {
  const t = Date.parse(b.created);
  return {
    id: b.id,
    version: b.version,
    timestamp: b.timestamp,
    bytes: b.bytes,
    created: Number.isNaN(t) ? b.created : new Date(t).toISOString(),
    deviceName: b.deviceName,
    platform: b.platform,
  };
}

/** A plain-text table, columns padded to their widest cell. Cells are shown with `visible`
 * (they hold server strings), and widths measured on what is shown. */
export function table(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => headers.map((_, i) => visible(r[i] ?? '')));
  // A loop, not Math.max(...column): spreading 130,000+ arguments overflows the call stack.
  const widths = headers.map((h) => h.length);
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]?.length ?? 0);
  }
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const lines = [line(headers)];
  for (const r of rows) lines.push(line(r));
  return lines.join('\n') + '\n';
}

export function backupsTable(list: Backup[]): string {
  if (list.length === 0) return 'No backups yet. Make one with: pieces-backup create\n';
  const rows = list.map((b) => [formatDateTimeIso(b.created), formatBytes(b.bytes), b.deviceName, platformName(b.platform), b.version, b.id]);
  return table(['Created', 'Size', 'Device', 'Platform', 'Version', 'ID'], rows);
}

/** One line for a finished backup. */
export function describeBackup(b: Backup): string {
  return `Backed up ${formatBytes(b.bytes)} as ${visible(b.id)} (${visible(formatDateTimeIso(b.created))}, ${visible(b.deviceName)}).`;
}
