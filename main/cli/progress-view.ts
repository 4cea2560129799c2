// How `create --stream` shows progress: a bar on a terminal, a line per change otherwise,
// JSON lines with --json. Every value is shown as it arrives; only the human line mode skips
// repeats, so logs stay short.
import type { BackupProgress } from '../api/wire.js';
import type { CliIO } from './context.js';
import { safeJson, visible } from '../shared/terminal-text.js';

export interface ProgressView {
  update(p: BackupProgress): void;
  /** Remove the bar (if any) before the final line is printed. */
  finish(): void;
}

export async function progressView(io: CliIO, json: boolean): Promise<ProgressView> {
  if (json) {
    return {
      update: (p) => io.out(safeJson({ event: 'progress', status: p.status, percentage: p.percentage }) + '\n'),
      finish: () => {},
    };
  }
  if (io.tty) {
    // Loaded only when a terminal will show it.
    const cliProgress = (await import('cli-progress')).default;
    const bar = new cliProgress.SingleBar(
      { format: 'Backing up [{bar}] {percentage}% {status}', stream: io.tty, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { status: '' });
    return {
      update: (p) => bar.update(p.percentage ?? bar.getProgress() * 100, { status: p.status === 'IN-PROGRESS' ? '' : visible(p.status) }),
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
    finish: () => {},
  };
}
