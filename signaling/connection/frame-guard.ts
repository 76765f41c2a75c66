/**
 * A cheap look at a text frame before JSON.parse. The size limit alone does not bound the cost of
 * parsing: a 96 KiB frame of nested arrays took 18–22 ms to parse here, one of 9,000 keys 3.7 ms,
 * so one connection at its frame rate kept a core busy. No Parley frame has more than a few hundred
 * structure tokens (an `ack` of 256 ids has about 260), so frames with more are refused unparsed.
 *
 * Most frames are checked by counting the structure characters anywhere in the text, which
 * `indexOf` does natively (about 2 µs for a 60 KB `send`). Only a frame with many of them (a
 * `signal` carrying an SDP has hundreds of `:` inside its string) gets the exact count, which skips
 * strings; that scan is at most ~0.2 ms for a frame at the size limit.
 */
const STRUCTURE = ['[', '{', ',', ':'] as const;

/** True when `text` has at most `maxTokens` JSON structure tokens (`[ { , :`) outside strings. */
export function withinJsonBudget(text: string, maxTokens: number): boolean {
  // Each token is one character: a text no longer than the budget cannot exceed it (most relay frames).
  if (text.length <= maxTokens) return true;
  return countAnywhere(text, maxTokens) <= maxTokens || countOutsideStrings(text, maxTokens) <= maxTokens;
}

/** Structure characters anywhere, strings included; stops counting past `limit`. */
function countAnywhere(text: string, limit: number): number {
  let n = 0;
  for (const ch of STRUCTURE) {
    for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) if (++n > limit) return n;
  }
  return n;
}

/** Structure characters outside JSON strings; stops counting past `limit`. */
function countOutsideStrings(text: string, limit: number): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if ((c === 0x5b || c === 0x7b || c === 0x2c || c === 0x3a) && ++n > limit) return n;
  }
  return n;
}

/** The index of the quote that closes the string opened at `open` (or the end of the text). */
function stringEnd(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}
