// Text from a server (device names, ids, versions, error messages) must not drive the terminal
// it is printed on: an escape sequence can recolour, retitle or clear the screen, a bidi override
// can make "evil.exe" read as "exe.live", and a line break can forge a line of output. Every human
// text output goes through `visible`, which shows such characters as escapes instead.

/** C0 controls (incl. tab and line breaks), DEL, C1 controls, and the Unicode bidi and line/paragraph
 * separators: everything that changes how the rest of a line is shown rather than showing itself. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same set minus the C0 controls and DEL, which JSON.stringify escapes already. */
const UNSAFE_IN_JSON = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => (c.codePointAt(0) ?? 0).toString(16).padStart(width, '0');

/** `s` with every unsafe character written as an escape: "\x1b", "\r", "\u202e". */
export function visible(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return c <= '\u00ff' ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

/**
 * `JSON.stringify(value)`, with the C1 and bidi characters it leaves raw written as \u escapes
 * too: the same data for a JSON reader, and safe when a person reads the line in a terminal.
 * (These characters can occur only inside JSON strings, where \u escapes mean the same.)
 */
export function safeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}
