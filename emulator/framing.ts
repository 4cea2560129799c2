// How the streamed create frames its values on the wire. Nothing public pins PiecesOS's framing,
// so the emulator can speak each one a client must accept.
import type { Framing } from './types.js';

export function contentTypeOf(framing: Framing): string {
  if (framing === 'ndjson') return 'application/x-ndjson';
  if (framing === 'sse') return 'text/event-stream';
  return 'application/json';
}

/** One already-serialized value (possibly deliberately broken) in the given framing. */
export function frameText(framing: Framing, json: string): string {
  if (framing === 'ndjson') return `${json}\n`;
  if (framing === 'sse') return `data: ${json}\n\n`;
  return json;
}
