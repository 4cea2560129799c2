// A yes/no question on a terminal, for commands that destroy data (a restore replaces the local
// Pieces database). The answer defaults to No: only "y" or "yes" confirms, so a stray Enter, an
// empty line, Ctrl-C, Ctrl-D or a cancel signal never does.
import { createInterface } from 'node:readline/promises';

export interface ConfirmOptions {
  input: NodeJS.ReadableStream;
  /** Where the question is written (the terminal). */
  output: NodeJS.WritableStream;
  /** Aborting it (SIGINT/SIGTERM of the process) answers No. */
  signal?: AbortSignal;
}

/** Whether an answer confirms: "y" or "yes", any case, surrounding spaces ignored. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

/** Asks `question` (written as is, so callers make server text `visible` first) and resolves
 * true only on an explicit yes. Never rejects. */
export function confirm(question: string, opts: ConfirmOptions): Promise<boolean> {
  if (opts.signal?.aborted) return Promise.resolve(false);
  const rl = createInterface({ input: opts.input, output: opts.output });
  return new Promise<boolean>((resolve) => {
    // Events rather than rl.question(): the first of them decides, in the order they happen
    // ('line' comes before the 'close' of an input that ends right after the answer).
    let done = false;
    const finish = (yes: boolean, answered: boolean) => {
      if (done) return;
      done = true;
      opts.signal?.removeEventListener('abort', onAbort);
      rl.close();
      // An answer ended its own line; a Ctrl-C, Ctrl-D or signal left the cursor after the question.
      if (!answered) opts.output.write('\n');
      resolve(yes);
    };
    const onAbort = () => finish(false, false);
    rl.once('line', (line) => finish(isYes(line), true));
    // On a terminal readline takes Ctrl-C itself (raw mode) and emits 'SIGINT' here instead of
    // signalling the process; Ctrl-D (or the end of the input) closes it. Both mean No.
    rl.once('SIGINT', () => finish(false, false));
    rl.once('close', () => finish(false, false));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    rl.setPrompt(question);
    rl.prompt();
  });
}
