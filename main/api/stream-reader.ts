// Incremental reader for the streamed create's body. Nothing public pins its framing, so it
// accepts NDJSON, JSON values back to back (with or without whitespace), a single value, and
// Server-Sent Events, chosen by sniffing the first non-whitespace characters. Only the tail of
// an unfinished value is kept, so memory stays constant however long the stream runs.
// push() also says whether a piece carried any part of a value: separators, whitespace and SSE
// keep-alives do not, so a server that only trickles those cannot hold off the stall timer.
import { BackupsApiError } from './errors.js';
import { SseDataWatch } from './sse-data-watch.js';
import { joinMembers, RUN_LENGTH, SseEvents } from './sse-events.js';
import { Utf8Chunks } from './utf8-chunks.js';

export interface StreamReaderOptions {
  /** The response's Content-Type; `text/event-stream` tips undecided input towards SSE. */
  contentType?: string | null;
  /** Largest single value (in characters) before the stream is judged broken. */
  maxValueChars?: number;
}

type Mode = 'detect' | 'json' | 'sse';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const LF = 0x0a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
/** Largest piece whose bytes are copied for runs (the copy is kept and reused while the reader lives). */
const MAX_SCRATCH_BYTES = 1024 * 1024;
const SSE_FIELDS = ['data:', 'event:', 'id:', 'retry:'];
const DEFAULT_MAX_VALUE_CHARS = 16 * 1024 * 1024;
/** Values the scanner reads after the fast path guessed a value's end wrongly (see skim). */
const SCANNED_AFTER_WRONG_GUESS = 16;

function skipSeparators(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isSpace(c: number): boolean {
  // Whitespace, the RFC 7464 record separator and commas between top-level values are all
  // treated as separators: some servers frame values that way.
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x1e || c === 0x2c || c === 0xfeff;
}

/** Index of the unescaped `"` ending a string whose content starts at `from`, or -1. */
function findClosingQuote(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q !== -1) {
    let k = q - 1;
    while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** How many backslashes end `text` (not looking before `from`). */
function trailingBackslashes(text: string, from: number): number {
  let k = text.length - 1;
  while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
  return text.length - 1 - k;
}

function excerpt(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BackupsApiError('bad-response', `PiecesOS sent a progress value that is not valid JSON ("${excerpt(text)}"); check that the address points to PiecesOS.`);
  }
}

export class ProgressStreamReader {
  private readonly onValue: (v: unknown) => void;
  private readonly preferSse: boolean;
  private readonly maxValueChars: number;
  private readonly decoder = new Utf8Chunks();
  private mode: Mode = 'detect';
  /** Undecided text while detecting the framing. */
  private pending = '';
  // JSON scanner state, kept across pushes so no character is scanned twice.
  /** Text of the unfinished value from earlier pushes, as fragments (joined once, when it completes). */
  private fragments: string[] = [];
  private fragmentsLength = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private sse: SseEvents | null = null;
  private readonly sseData = new SseDataWatch();
  /** Positive: runs of values may be parsed together (see batch); negative: values left to go one by one after a refused run. */
  private batchSize = 1;
  /** Values left to the scanner after a wrong guess of the fast path (see skim). */
  private scannedValues = 0;
  /** Where the next `{` and newline are in the piece being read (see nextIndexOf). */
  private found: { piece: number; '{': number; '\n': number } = { piece: -1, '{': -1, '\n': -1 };
  /** Pieces of text scanned so far: tells `found` which piece it belongs to. */
  private pieces = 0;
  /** Whether the piece being pushed carried part of a value (see push). */
  private carried = false;
  /** The text of the piece being pushed, and its bytes when they are all ASCII (see asciiScratch). */
  private pieceText = '';
  private pieceBytes: Buffer | null = null;
  /** A copy of an ASCII piece's bytes, one byte to the right (see asciiScratch); reused from piece to piece. */
  private scratch = Buffer.alloc(0);
  private scratchPiece = -1;
  /** The members of the run being read, when it is built from them (see joinMembers); emptied after each run. */
  private readonly members: string[] = [];

  constructor(onValue: (v: unknown) => void, opts: StreamReaderOptions = {}) {
    this.onValue = onValue;
    this.preferSse = /text\/event-stream/i.test(opts.contentType ?? '');
    this.maxValueChars = opts.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
  }

  /** Characters currently held back (the unfinished value or line); for memory checks. */
  get bufferedLength(): number {
    return this.pending.length + this.fragmentsLength;
  }

  /**
   * Reads the next piece of the body. Returns true when it carried part of a value (a character
   * of a JSON value other than whitespace between its tokens, SSE data other than whitespace, or
   * the end of a value), false for pieces of pure separators, whitespace or SSE comments and
   * non-data fields.
   */
  push(chunk: Uint8Array): boolean {
    this.carried = false;
    const text = this.decoder.decode(chunk);
    this.pieceText = text;
    this.pieceBytes = this.decoder.lastAscii;
    if (text.length > 0) this.take(text);
    this.pieceBytes = null; // the caller's memory: not kept past this call
    return this.carried;
  }

  /** The body ended: flush what is left; an unfinished value means the connection was cut. */
  end(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) this.take(rest);
    if (this.mode === 'detect') {
      if (this.pending.trim().length > 0) this.notRecognised(this.pending);
      return;
    }
    if (this.mode === 'sse') {
      // A last event without its blank line still counts.
      this.feedSse('\n\n');
      return;
    }
    if (this.depth > 0 || this.inString) {
      throw new BackupsApiError('connection-lost', 'The connection to PiecesOS ended in the middle of a progress update; try the backup again.');
    }
  }

  private take(text: string): void {
    if (this.mode === 'json') return this.scan(text);
    if (this.mode === 'sse') return this.feedSse(text);
    // Leading separators carry nothing: dropping them keeps keep-alive newlines sent before the
    // first value from growing this buffer (and from being mistaken for unknown text).
    this.pending = skipSeparators(this.pending + text);
    const decided = this.detect(this.pending);
    if (decided === 'detect') {
      if (this.pending.length > 4096) this.notRecognised(this.pending);
      return;
    }
    const all = this.pending;
    this.pending = '';
    this.mode = decided;
    if (decided === 'json') this.scan(all);
    else this.feedSse(all);
  }

  private detect(s: string): Mode {
    if (s.length === 0) return 'detect';
    const c = s.charCodeAt(0);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return 'json';
    if (this.preferSse || c === 0x3a /* ':' comment */) return 'sse';
    const head = s.slice(0, 6);
    for (const f of SSE_FIELDS) {
      if (head.startsWith(f)) return 'sse';
      if (f.startsWith(head)) return 'detect'; // could still become this field
    }
    this.notRecognised(s);
  }

  private notRecognised(s: string): never {
    throw new BackupsApiError('bad-response', `PiecesOS answered with something that is neither JSON nor an event stream ("${excerpt(s)}"); check that the address points to PiecesOS.`);
  }

  private scan(text: string): void {
    this.pieces++;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.depth === 0 && !this.inString) {
        i = this.skim(text, i);
        if (i >= n) return;
      }
      i = this.scanValue(text, i);
    }
  }

  // The fast path, between values: a value whose end can be guessed with one native search (the
  // first `}` of an object with no `{` before it, else the end of its line) is handed to
  // JSON.parse at once. When JSON.parse accepts the slice it is exactly the value the scanner
  // would have found (a valid object or array ends at its matching bracket, and what follows on
  // its line is JSON whitespace, which the scanner skips too); when it refuses, the scanner reads
  // the value character by character as before, errors included. Most progress values are flat
  // objects, so most never meet the scanner.
  private skim(text: string, from: number): number {
    const n = text.length;
    let i = from;
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n || this.scannedValues > 0) return i;
      const after = this.batchSize > 0 ? this.batch(text, i) : i;
      if (after > i) {
        i = after;
        continue;
      }
      if (this.batchSize < 0 && ++this.batchSize === 0) this.batchSize = 1;
      const end = this.guessEnd(text, i);
      if (end === -1) return i;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, end));
      } catch {
        // A wrong guess (a `}` inside a string, a value over several lines, or bad JSON): the
        // scanner takes this value and a few more, so a stream of such values costs no more
        // than before.
        this.scannedValues = SCANNED_AFTER_WRONG_GUESS;
        return i;
      }
      this.carried = true;
      this.onValue(value);
      i = end;
    }
  }

  /**
   * A run of members (each a `{` up to the first `}` after it) joined by exactly one newline, or
   * by nothing, is parsed with one JSON.parse as an array: `[m1,m2,…]` (each joint, `}{` or
   * `}\n{`, becomes `},{`; newlines inside members stay). Per value, JSON.parse's own set-up cost
   * more than the parsing. Exact: the array's first element starts at m1's `{`, so it is an
   * object, which ends at a `}`; every `}` of the array text is a member's last character, and
   * is followed by the joint's comma (or the final `]`), so the next element starts at the next
   * member's `{`: each element is an object made of whole consecutive members, and k elements
   * from k members means each is one member's unchanged text, a valid value, which the scanner
   * would have read the same. A `{` inside a member (in a string, or a nested object the
   * member's first `}` cuts short) needs no search of its own: a cut-short member makes the
   * array invalid. A member followed by anything but a joint or whitespace (a `,` or `}` after a
   * nested object's first `}`) is left out of the run, so nested values do not make runs
   * refused. Returns the index after the run, or `i` when there is none (or the array was
   * refused: the single-value path then reads the next values).
   */
  private batch(text: string, i: number): number {
    const n = text.length;
    let count = 0;
    let joint: 'none' | 'newline' | null = null;
    let last = i;
    // Only runs joined by newlines are built from bytes: the copy is made when the first is met.
    // The others are built from their members (see joinMembers), gathered here.
    let scratch: Buffer | null | undefined;
    const members = this.members;
    let start = i;
    for (let p = i; p < n && count < RUN_LENGTH && text.charCodeAt(p) === OPEN_BRACE;) {
      const close = text.indexOf('}', p + 1);
      if (close === -1) break;
      const c = text.charCodeAt(close + 1);
      // Not followed by a joint or whitespace (or the piece's end): probably cut short, not counted.
      if (c !== LF && c !== OPEN_BRACE && c === c && !isJsonSpace(c)) break;
      count++;
      start = p;
      last = close + 1;
      if (c === LF && joint !== 'none') {
        joint = 'newline';
        if (scratch === undefined) scratch = this.asciiScratch(text);
        if (scratch !== null) scratch[last + 1] = COMMA;
        else members.push(text.slice(p, last));
        p = last + 1;
      } else if (c === OPEN_BRACE && joint !== 'newline') {
        joint = 'none';
        members.push(text.slice(p, last));
        p = last;
      } else {
        break;
      }
    }
    if (count < 2) {
      members.length = 0;
      return i;
    }
    let values: unknown;
    try {
      if (scratch !== undefined && scratch !== null) {
        values = JSON.parse(this.arrayText(i, last, scratch));
      } else {
        // The last member was counted but not gathered when what follows it ended the run.
        if (members.length < count) members.push(text.slice(start, last));
        values = JSON.parse(joinMembers(members));
      }
    } catch {
      values = null;
    }
    members.length = 0;
    if (!Array.isArray(values) || values.length !== count) {
      // One of them is not what it seemed: these values go one by one, so the run is not tried again for each.
      this.batchSize = -count;
      return i;
    }
    for (const v of values) {
      this.carried = true;
      this.onValue(v);
    }
    return last;
  }

  /**
   * The run text[i, last) as an array: `[`, the members with each joint made `},{`, `]`, from an
   * ASCII piece's bytes (newline joints only): one Latin-1 decode of the scratch copy, where
   * batch already wrote a comma over each joint's newline: the same text with a third of the
   * copying (no slice flattened, no replaceAll, no concatenation), which was most of the garbage
   * the reader made beyond the ceiling's. The scratch's bytes written there are only ever joints
   * and a run's ends (a newline after a `}` can be inside no flat member), so runs read later
   * never see a stale one.
   */
  private arrayText(i: number, last: number, scratch: Buffer): string {
    // Text index k is scratch index k + 1: the `[` goes over the byte before the run (or the spare first byte), the `]` over the one after it.
    scratch[i] = OPEN_BRACKET;
    scratch[last + 1] = CLOSE_BRACKET;
    return scratch.toString('latin1', i, last + 2);
  }

  /**
   * A writable copy of the bytes of `text` (one byte to the right, so a run at index 0 has room
   * for its `[`), when `text` is exactly the ASCII piece being pushed; null otherwise (the text
   * joined with an earlier piece's tail, a non-ASCII piece, or one too large to keep a copy of
   * for the reader's life). Copied once per piece.
   */
  private asciiScratch(text: string): Buffer | null {
    const bytes = this.pieceBytes;
    if (bytes === null || bytes.length !== text.length || bytes.length > MAX_SCRATCH_BYTES || text !== this.pieceText) return null;
    if (this.scratchPiece !== this.pieces) {
      if (this.scratch.length < bytes.length + 2) this.scratch = Buffer.allocUnsafe(Math.max(bytes.length + 2, 2 * this.scratch.length));
      bytes.copy(this.scratch, 1);
      this.scratchPiece = this.pieces;
    }
    return this.scratch;
  }

  /** Where the value starting at `i` probably ends (exclusive), or -1 for no cheap guess. */
  private guessEnd(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE) {
      const close = text.indexOf('}', i + 1);
      if (close === -1) return -1; // not complete in this piece
      if (this.nextIndexOf(text, '{', i + 1) > close) return close + 1;
    } else if (c !== OPEN_BRACKET) {
      return -1; // not a value: the scanner reports it
    }
    const nl = this.nextIndexOf(text, '\n', i + 1);
    return nl < text.length ? nl : -1;
  }

  /**
   * text.indexOf(ch, from), or text.length when absent, remembered per piece so a character
   * that is far away (or absent) is searched for once per piece, not once per value.
   */
  private nextIndexOf(text: string, ch: '{' | '\n', from: number): number {
    if (this.found.piece !== this.pieces) this.found = { piece: this.pieces, '{': -1, '\n': -1 };
    let at = this.found[ch];
    if (at < from) {
      at = text.indexOf(ch, from);
      if (at === -1) at = text.length;
      this.found[ch] = at;
    }
    return at;
  }

  // The JSON scanner: tracks string/escape state and nesting depth, and hands every complete
  // top-level value to JSON.parse as one slice. Returns where it stopped: after the first value
  // it completed, or the end of `text`.
  private scanValue(text: string, from: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let carried = false;
    // Where the current value starts in `text`; `from` (0) when it started in an earlier push.
    let start = depth > 0 || inString ? from : -1;
    const n = text.length;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        carried = true;
        // Jump to the closing quote with indexOf (much faster than stepping through strings).
        if (escaped) {
          escaped = false;
          continue; // this character is escaped, whatever it is
        }
        const close = findClosingQuote(text, i);
        if (close === -1) {
          escaped = trailingBackslashes(text, i) % 2 === 1;
          break;
        }
        inString = false;
        i = close;
        continue;
      }
      if (c === QUOTE) {
        if (depth === 0) this.topLevelJunk(text, i);
        inString = true;
        carried = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 0) start = i;
        depth++;
        carried = true;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) this.topLevelJunk(text, i);
        carried = true;
        depth--;
        if (depth === 0) {
          let slice = text.slice(start, i + 1);
          if (this.fragments.length > 0) {
            this.fragments.push(slice);
            slice = this.fragments.join('');
            this.fragments = [];
            this.fragmentsLength = 0;
          }
          start = -1;
          // Save state first: onValue may throw and the reader must stay consistent.
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          this.carried = true;
          if (this.scannedValues > 0) this.scannedValues--;
          this.onValue(parseValue(slice));
          return i + 1;
        }
      } else if (depth === 0) {
        if (!isSpace(c)) this.topLevelJunk(text, i);
      } else if (c > 0x20) {
        // Inside a value, anything but JSON whitespace is part of it (digits, colons, literals).
        carried = true;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (carried) this.carried = true;
    if (start !== -1) {
      const tail = start === 0 ? text : text.slice(start);
      this.fragments.push(tail);
      this.fragmentsLength += tail.length;
      if (this.fragmentsLength > this.maxValueChars) {
        throw new BackupsApiError('bad-response', `PiecesOS sent a progress value longer than ${this.maxValueChars} characters; check that the address points to PiecesOS.`);
      }
    }
    return n;
  }

  private topLevelJunk(text: string, i: number): never {
    throw new BackupsApiError('bad-response', `PiecesOS sent a progress stream with unexpected text between values ("${excerpt(text.slice(i, i + 60))}"); check that the address points to PiecesOS.`);
  }

  private feedSse(text: string): void {
    if (this.sse === null) {
      const tooLong = () => new BackupsApiError('bad-response', `PiecesOS sent an event longer than ${this.maxValueChars} characters; check that the address points to PiecesOS.`);
      this.sse = new SseEvents((data) => this.sseValue(data), this.maxValueChars, tooLong, (value) => {
        this.carried = true;
        this.onValue(value);
      });
    }
    if (this.sseData.take(text)) this.carried = true;
    this.sse.feed(text);
  }

  private sseValue(data: string): void {
    // An object's text needs no trimming (it starts and ends with a brace): no copy on the hot path.
    const json = data.charCodeAt(0) === OPEN_BRACE && data.charCodeAt(data.length - 1) === CLOSE_BRACE ? data : data.trim();
    if (json === '' || json === '[DONE]') return;
    this.carried = true;
    this.onValue(parseValue(json));
  }
}

/** Reads a body chunk by chunk and yields every JSON value as soon as it is complete. */
export async function* readJsonValues(body: AsyncIterable<Uint8Array>, opts: StreamReaderOptions = {}): AsyncGenerator<unknown> {
  let queue: unknown[] = [];
  const reader = new ProgressStreamReader((v) => queue.push(v), opts);
  for await (const chunk of body) {
    reader.push(chunk);
    if (queue.length > 0) {
      const ready = queue;
      queue = [];
      yield* ready;
    }
  }
  reader.end();
  yield* queue;
}
