// Text from a file (names, keys, members, messages) on its way to a terminal, a log or the page: control
// characters escaped (no raw escape codes, no line tricks, no bidi overrides) and length capped, so a hostile
// file cannot paint the terminal or flood it with a 20 MB name.

/** Longest piece of file-supplied text shown in one message. */
export const MAX_SHOWN_CHARS = 160;

// C0, DEL, C1, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's job
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with control characters escaped, cut to `max` characters with a note of how much was left out. */
export function printable(text: string, max = MAX_SHOWN_CHARS): string {
  // Cut first (escaping only grows it), on a code-point boundary.
  let cut = text;
  let dropped = 0;
  if (text.length > max) {
    let end = max;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    cut = text.slice(0, end);
    dropped = text.length - end;
  }
  const escaped = cut.replace(UNPRINTABLE, escapeChar);
  return dropped > 0 ? `${escaped}…(+${dropped} chars)` : escaped;
}

/** A whole message (already built from printable parts or not): escaped, and capped at a few lines' worth. */
export function printableMessage(text: string, max = 2000): string {
  return printable(text, max);
}
