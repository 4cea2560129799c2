// The printed table: one row per figure, its ratio to its baseline, the figure and the baseline,
// the target and whether it was met.
import type { Row } from './types.js';

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function formatTable(rows: Row[]): string {
  // The ratio first: it is what the targets judge and what holds from machine to machine; the
  // absolute figure and its baseline (same run) beside it.
  const head = ['section', 'measure', 'ratio', 'value', 'baseline', 'target', 'ok'];
  const body = rows.map((r) => [
    r.section,
    r.metric,
    r.ratio === undefined ? '' : `${fmt(r.ratio)}×`,
    r.value === null ? clip(r.note ?? 'not measured', 110) : `${fmt(r.value)} ${r.unit}`.trim(),
    r.baseline ? `${fmt(r.baseline.value)} (${r.baseline.label})` : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  const notes = rows.filter((r) => r.value !== null && r.note).map((r) => `- ${r.section} / ${r.metric}: ${r.note}`);
  return notes.length > 0 ? `${out.join('\n')}\n\nNotes:\n${notes.join('\n')}` : out.join('\n');
}
