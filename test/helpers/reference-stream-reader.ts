// The stream reader as it was before its fast paths (issue 13), kept verbatim as the reference
// the property tests hold the fast reader to: same values, same errors, same "carried" answers.
// Incremental reader for the streamed create's body. Nothing public pins its framing, so it
// accepts NDJSON, JSON values back to back (with or without whitespace), a single value, and
// Server-Sent Events, chosen by sniffing the first non-whitespace characters. Only the tail of
// an unfinished value is kept, so memory stays constant however long the stream runs.
// push() also says whether a piece carried any part of a value: separators, whitespace and SSE
// keep-alives do not, so a server that only trickles those cannot hold off the stall timer.
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { BackupsApiError } from '../../main/api/errors.js';
import { SseDataWatch } from '../../main/api/sse-data-watch.js';

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
const BACKSLASH = 0x5c;
const SSE_FIELDS = ['data:', 'event:', 'id:', 'retry:'];
const DEFAULT_MAX_VALUE_CHARS = 16 * 1024 * 1024;

function skipSeparators(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
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

export class ReferenceStreamReader {
  private readonly onValue: (v: unknown) => void;
  private readonly preferSse: boolean;
  private readonly maxValueChars: number;
  private readonly decoder = new TextDecoder('utf-8');
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
  private sse: EventSourceParser | null = null;
  private sseError: BackupsApiError | null = null;
  private readonly sseData = new SseDataWatch();
  /** Whether the piece being pushed carried part of a value (see push). */
  private carried = false;

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
    const text = this.decoder.decode(chunk, { stream: true });
    if (text.length > 0) this.take(text);
    return this.carried;
  }

  /** The body ended: flush what is left; an unfinished value means the connection was cut. */
  end(): void {
    const rest = this.decoder.decode();
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

  // The JSON scanner: tracks string/escape state and nesting depth, and hands every complete
  // top-level value to JSON.parse as one slice.
  private scan(text: string): void {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let carried = false;
    // Where the current value starts in `text`; 0 when it started in an earlier push.
    let start = depth > 0 || inString ? 0 : -1;
    const n = text.length;
    for (let i = 0; i < n; i++) {
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
          this.onValue(parseValue(slice));
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
  }

  private topLevelJunk(text: string, i: number): never {
    throw new BackupsApiError('bad-response', `PiecesOS sent a progress stream with unexpected text between values ("${excerpt(text.slice(i, i + 60))}"); check that the address points to PiecesOS.`);
  }

  private feedSse(text: string): void {
    if (this.sse === null) {
      this.sse = createParser({
        maxBufferSize: this.maxValueChars,
        onEvent: (ev) => {
          const data = ev.data.trim();
          if (data === '' || data === '[DONE]') return;
          this.carried = true;
          this.onValue(parseValue(data));
        },
        onError: (err) => {
          if (err.type === 'max-buffer-size-exceeded') {
            this.sseError = new BackupsApiError('bad-response', `PiecesOS sent an event longer than ${this.maxValueChars} characters; check that the address points to PiecesOS.`);
          }
        },
      });
    }
    if (this.sseError) throw this.sseError;
    if (this.sseData.take(text)) this.carried = true;
    this.sse.feed(text);
    if (this.sseError) throw this.sseError;
  }
}
