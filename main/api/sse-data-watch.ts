// Tells whether a piece of a Server-Sent Events stream carried event data, as opposed to bytes
// that carry nothing: comment lines (`: keep-alive`), blank lines, `event:`/`id:`/`retry:`
// fields and whitespace-only data. The stream reader uses it so a server that only trickles
// keep-alives is not taken for one that is still sending progress (the stall timer).
// It follows line state only; parsing is sse-events.ts's.

type LineState = 'start' | 'name' | 'data' | 'other';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;

export class SseDataWatch {
  private state: LineState = 'start';
  /** The field name read so far on this line (only its first 5 characters matter: "data" or not). */
  private name = '';

  /** Follows `text` (the next piece of the stream); true when it carried data-field content
   * other than whitespace. */
  take(text: string): boolean {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        this.state = 'start';
        continue;
      }
      if (this.state === 'start') {
        this.name = '';
        if (c === COLON) {
          this.state = 'other'; // a comment line
          continue;
        }
        this.state = 'name';
      }
      if (this.state === 'name') {
        if (c === COLON) this.state = this.name === 'data' ? 'data' : 'other';
        else if (this.name.length < 5) this.name += String.fromCharCode(c);
        continue;
      }
      if (this.state === 'data' && c !== SPACE && c !== TAB) {
        this.skipToEnd(text, i);
        return true;
      }
    }
    return false;
  }

  /** Data found at `from`: the answer is known, only the line state at the end of `text` is
   * still needed, so jump to the last line end instead of walking every character. */
  private skipToEnd(text: string, from: number): void {
    // The last LF, then any CR after it (searching only that tail, not the whole piece again).
    let lastEol = text.lastIndexOf('\n');
    for (let cr = text.indexOf('\r', lastEol + 1); cr !== -1; cr = text.indexOf('\r', cr + 1)) lastEol = cr;
    if (lastEol < from) return; // still on the same data line
    this.state = 'start';
    this.take(text.slice(lastEol + 1));
  }
}
