// The data of Server-Sent Events, for the stream reader: lines end with LF, CR or CRLF (also
// when a piece cuts them), `data` fields are joined with newlines, an empty line dispatches an
// event that has data, comments and other fields (`event`, `id`, `retry`, unknown ones) are
// skipped, since the reader uses only the data. It replaces eventsource-parser (3.1.1), whose
// behaviour it keeps, down to its buffer limit, and which the property tests hold it to: on the
// hot path (`data: {...}\n\n`) that library built an event object per value and the reader then
// trimmed a copy of its data, together a fifth of the JSON.parse ceiling (issue 13).

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const COLON = 0x3a;

/** Whether a `data` field starts at `i`: `data:`, or a line that is just `data`. */
function isDataPrefix(s: string, i: number): boolean {
  return s.charCodeAt(i) === 0x64 && s.charCodeAt(i + 1) === 0x61 && s.charCodeAt(i + 2) === 0x74 && s.charCodeAt(i + 3) === 0x61 && s.charCodeAt(i + 4) === COLON;
}

export class SseEvents {
  private readonly onData: (data: string) => void;
  private readonly maxChars: number;
  /** The unfinished last line of earlier pieces. */
  private pending: string[] = [];
  private pendingLength = 0;
  private data = '';
  private dataLines = 0;
  private first = true;

  /** `onData` gets each event's data; a buffered line plus data over `maxChars` makes feed throw `tooLong()`. */
  constructor(onData: (data: string) => void, maxChars: number, private readonly tooLong: () => Error) {
    this.onData = onData;
    this.maxChars = maxChars;
  }

  feed(text: string): void {
    let chunk = text;
    if (this.first) {
      this.first = false;
      // eventsource-parser dropped a byte order mark read as Latin-1 characters; kept for sameness.
      if (chunk.charCodeAt(0) === 0xef && chunk.charCodeAt(1) === 0xbb && chunk.charCodeAt(2) === 0xbf) chunk = chunk.slice(3);
    }
    if (this.pending.length > 0) {
      this.pending.push(chunk);
      if (chunk.indexOf('\n') === -1 && chunk.indexOf('\r') === -1) {
        this.pendingLength += chunk.length;
        return this.checkSize();
      }
      chunk = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    const rest = chunk.indexOf('\r') === -1 ? this.linesLf(chunk) : this.linesAny(chunk);
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingLength = rest.length;
    }
    this.checkSize();
  }

  private checkSize(): void {
    if (this.pendingLength + this.data.length > this.maxChars) {
      this.pending = [];
      this.pendingLength = 0;
      this.data = '';
      this.dataLines = 0;
      throw this.tooLong();
    }
  }

  /** Lines of a piece without CR (the usual case); returns the unfinished last line. */
  private linesLf(chunk: string): string {
    let from = 0;
    for (let lf = chunk.indexOf('\n'); lf !== -1; lf = chunk.indexOf('\n', from)) {
      if (from === lf) {
        this.dispatch();
      } else if (isDataPrefix(chunk, from)) {
        const value = chunk.slice(chunk.charCodeAt(from + 5) === SPACE ? from + 6 : from + 5, lf);
        if (this.dataLines === 0 && chunk.charCodeAt(lf + 1) === LF) {
          // One data line and its blank line: the whole event at once.
          from = lf + 2;
          this.onData(value);
          continue;
        }
        this.addData(value);
      } else {
        this.line(chunk, from, lf);
      }
      from = lf + 1;
    }
    return chunk.slice(from);
  }

  /** Lines ending with LF, CR or CRLF; a CR ending the piece waits for the next (it may be CRLF). */
  private linesAny(chunk: string): string {
    let from = 0;
    while (from < chunk.length) {
      const cr = chunk.indexOf('\r', from);
      const lf = chunk.indexOf('\n', from);
      let end = -1;
      if (cr !== -1 && lf !== -1) end = cr < lf ? cr : lf;
      else if (cr !== -1) end = cr === chunk.length - 1 ? -1 : cr;
      else if (lf !== -1) end = lf;
      if (end === -1) break;
      if (end === from) this.dispatch();
      else this.line(chunk, from, end);
      from = end + 1;
      if (chunk.charCodeAt(from - 1) === CR && chunk.charCodeAt(from) === LF) from++;
    }
    return chunk.slice(from);
  }

  /** A non-empty line: a data field, or anything else (skipped). */
  private line(chunk: string, start: number, end: number): void {
    if (isDataPrefix(chunk, start)) {
      this.addData(chunk.slice(chunk.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, end));
    } else if (end - start === 4 && chunk.startsWith('data', start)) {
      this.addData(''); // a field name without a colon has an empty value
    }
  }

  private addData(value: string): void {
    this.data = this.dataLines === 0 ? value : `${this.data}\n${value}`;
    this.dataLines++;
  }

  private dispatch(): void {
    if (this.dataLines === 0) return;
    const data = this.data;
    this.data = '';
    this.dataLines = 0;
    this.onData(data);
  }
}
