// What the CLI prints: the --json shapes (a stable contract for scripts) and the human table.
import type { Backup } from '../api/wire.js';
import { formatBytes, formatLocalDateTime } from '../shared/format.js';

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

/** A plain-text table, columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function backupsTable(list: Backup[]): string {
  if (list.length === 0) return 'No backups yet. Make one with: pieces-backup create\n';
  const rows = list.map((b) => [formatLocalDateTime(b.created), formatBytes(b.bytes), b.deviceName, b.platform, b.version, b.id]);
  return table(['Created', 'Size', 'Device', 'Platform', 'Version', 'ID'], rows);
}

/** One line for a finished backup. */
export function describeBackup(b: Backup): string {
  return `Backed up ${formatBytes(b.bytes)} as ${b.id} (${formatLocalDateTime(b.created)}, ${b.deviceName}).`;
}
