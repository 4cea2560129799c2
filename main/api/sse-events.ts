// The data of Server-Sent Events, for the stream reader: lines end with LF, CR or CRLF (also
// when a piece cuts them), `data` fields are joined with newlines, an empty line dispatches an
// event that has data, comments and other fields (`event`, `id`, `retry`, unknown ones) are
// skipped, since the reader uses only the data. It replaces eventsource-parser (3.1.1), whose
// behaviour it keeps, down to its buffer limit, and which the property tests hold it to: on the
// hot path (`data: {...}\n\n`) that library built an event object per value and the reader then
// trimmed a copy of its data, together a fifth of the JSON.parse ceiling (issue 13). Runs of
// one-line events are parsed together (see batch).

/**
 * Most values parsed together (here and in the JSON reader's runs): enough that JSON.parse's
 * set-up is spread thin, bounded so the values (and the array) held at once stay few. Measured
 * from a clean heap at 64, 256 and 2,048 (a whole piece): 256 was best, by less than the noise
 * of this shared machine.
 */
export const RUN_LENGTH = 256;

/**
 * `[m1,m2,…]` from a run's members (each a slice of the piece, not a copy), here and in the JSON
 * reader's runs whose joints have no byte to write a comma over: Array join writes them once
 * into one flat string, which JSON.parse reads as it is. The string way before it
 * (`[${run.replaceAll(joint, '},{')}]`) built a rope of two pieces per joint that JSON.parse
 * then flattened. The same text: the members are the run's text between its joints, and each
 * joint becomes a comma. Empties nothing: the caller empties `members` after.
 */
export function joinMembers(members: string[]): string {
  const k = members.length - 1;
  members[0] = `[${members[0]!}`;
  members[k] = `${members[k]!}]`;
  return members.join(',');
}

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
  /** Positive: runs of events may be parsed together (see batch); negative: events left to go one by one after a refused run. */
  private batchSize = 1;
  /** The members of the run being read (see batch); emptied after each run. */
  private readonly members: string[] = [];

  /**
   * `onData` gets each event's data; `onJson` the parsed values of a run of events read at once
   * (see batch); a buffered line plus data over `maxChars` makes feed throw `tooLong()`.
   */
  constructor(onData: (data: string) => void, maxChars: number, private readonly tooLong: () => Error, private readonly onJson: (value: unknown) => void) {
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
      if (this.dataLines === 0 && this.batchSize > 0 && chunk.startsWith('data: {', from)) {
        const after = this.batch(chunk, from);
        if (after > from) {
          from = after;
          continue;
        }
      }
      if (this.batchSize < 0 && ++this.batchSize === 0) this.batchSize = 1;
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

  /**
   * A run of events that are each one line `data: {…}` (a `{` up to the first `}` after it, then
   * the blank line), in a piece without CR, is parsed with one JSON.parse as an array: the
   * joints `}\n\ndata: {` become `},{`, and no newline may be left (a member holding one was
   * not one line of data).
   * Exact for the same reason as the JSON reader's runs: every `}` of the array text is a
   * member's last character followed by a comma or the final `]`, and every member starts with
   * `{`, so each element is an object of whole consecutive members, and k elements from k
   * members means each element is one member, which is that event's data as it stands (an
   * object needs no trimming). A `{` inside a member needs no search: one cut short by a nested
   * object's `}` makes the array invalid, and is not followed by the blank line anyway. Returns
   * the index after the run's last blank line, or `from` when there is no run (or it was refused).
   */
  private batch(chunk: string, from: number): number {
    const n = chunk.length;
    let count = 0;
    let p = from + 6;
    let last = p;
    const members = this.members;
    while (p < n && count < RUN_LENGTH) {
      const close = chunk.indexOf('}', p + 1);
      if (close === -1) break;
      if (chunk.charCodeAt(close + 1) !== LF || chunk.charCodeAt(close + 2) !== LF) break;
      count++;
      last = close + 1;
      members.push(chunk.slice(p, last));
      if (!chunk.startsWith('data: {', close + 3)) break;
      p = close + 9;
    }
    if (count < 2) {
      members.length = 0;
      return from;
    }
    // The members joined by commas: the run's text with each joint `}\n\ndata: {` made `},{`.
    const json = joinMembers(members);
    members.length = 0;
    let values: unknown = null;
    // A newline left over was inside a member: that event was not one line of data.
    if (json.indexOf('\n') === -1) {
      try {
        values = JSON.parse(json);
      } catch {
        values = null;
      }
    }
    if (!Array.isArray(values) || values.length !== count) {
      this.batchSize = -count;
      return from;
    }
    for (const v of values) this.onJson(v);
    return last + 2;
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
