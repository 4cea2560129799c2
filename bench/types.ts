// What every benchmark section hands back: rows of one figure each, beside their baseline.

export interface Row {
  section: string;
  /** What was measured, e.g. "NDJSON reader". */
  metric: string;
  /** null: not measured (see `note`). */
  value: number | null;
  unit: string;
  baseline?: { label: string; value: number | null };
  /** value / baseline, when that comparison means something. */
  ratio?: number;
  /** The target in words, e.g. "≥ 100 MB/s". */
  target?: string;
  /** Whether the target was met; undefined when the row has no target. */
  pass?: boolean;
  note?: string;
}

export interface SectionContext {
  quick: boolean;
  /** Project root (absolute). */
  root: string;
  /** A temp dir for this section, removed after it. */
  tmp: string;
  log(line: string): void;
}

export interface Section {
  id: string;
  title: string;
  run(ctx: SectionContext): Promise<Row[]>;
}

export function notMeasured(section: string, metric: string, reason: string): Row {
  return { section, metric, value: null, unit: '', note: `not measured: ${reason}` };
}
