// How `create --stream` and `restore --stream` show progress: a bar on a terminal, a line per
// change otherwise, JSON lines with --json. Every value is shown as it arrives; only the human
// line mode skips repeats, so logs stay short. A run of several steps (a restore: the safety
// backup, then the restore) names each step: the bar's label, a heading line, or the fields a
// JSON line carries (e.g. "phase").
import type { BackupProgress } from '../api/wire.js';
import type { CliIO } from './context.js';
import { safeJson, visible } from '../shared/terminal-text.js';

export interface ProgressView {
  update(p: BackupProgress): void;
  /** A new step begins: `label` for a person (our own text), `fields` added to each JSON line. */
  step(label: string, fields?: Record<string, string>): void;
  /** Remove the bar (if any) before the final line is printed. */
  finish(): void;
}

export async function progressView(io: CliIO, json: boolean, label = 'Backing up'): Promise<ProgressView> {
  if (json) {
    let fields: Record<string, string> = {};
    return {
      update: (p) => io.out(safeJson({ event: 'progress', ...fields, status: p.status, percentage: p.percentage }) + '\n'),
      step: (_label, f = {}) => (fields = f),
      finish: () => {},
    };
  }
  if (io.tty) {
    // Loaded only when a terminal will show it.
    const cliProgress = (await import('cli-progress')).default;
    const bar = new cliProgress.SingleBar(
      { format: '{label} [{bar}] {percentage}% {status}', stream: io.tty, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { label, status: '' });
    return {
      update: (p) => bar.update(p.percentage ?? bar.getProgress() * 100, { status: p.status === 'IN-PROGRESS' ? '' : visible(p.status) }),
      step: (next) => bar.update(0, { label: next, status: '' }),
      finish: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update: (p) => {
      const status = visible(p.status);
      const line = p.percentage === null ? status : `${status} ${Math.floor(p.percentage)} %`;
      if (line !== last) io.out(line + '\n');
      last = line;
    },
    step: (next) => {
      io.out(`${next}\n`);
      last = '';
    },
    finish: () => {},
  };
}
