// Waiting in a test for something another part does in its own time (a backup to finish, a file
// to be written): polled, with a generous limit so a slow machine is not a failure, and a
// sentence saying what never happened when it is one.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `pred` holds (checked every `everyMs`); throws "Timed out after … waiting for
 * `what`." when it still does not after `ms`. */
export async function waitFor(pred: () => boolean | Promise<boolean>, what: string, ms = 15_000, everyMs = 5): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(everyMs);
  }
}
