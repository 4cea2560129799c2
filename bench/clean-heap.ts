// A full garbage collection before each timed contender, so none pays for the garbage the one
// before it left (on a 3 MB list or a 10 MB stream that garbage is a large part of a round).
// The bench runs without --expose-gc; V8 lets the flag be set at run time, and a fresh context
// then sees gc().
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function cleanHeap(): void {
  gc();
}
