// A writable stream over one of the CLI's text outputs, for readline (which wants a stream) when
// stderr is not a terminal of its own.
import { Writable } from 'node:stream';

export function textSink(write: (s: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      write(chunk.toString());
      cb();
    },
  });
}
