const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export type DepthScan = { ok: true; maxDepth: number } | { ok: false; offset: number };

/**
 * Linear scan of JSON text for the nesting depth of arrays and objects, ignoring
 * brackets inside strings. Stops at the first position deeper than `limit`, so a
 * document nested far too deep is rejected without recursion or a parse.
 * Syntax is not checked here; `JSON.parse` does that afterwards.
 */
export function scanJsonDepth(text: string, limit: number): DepthScan {
  let depth = 0;
  let maxDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > limit) return { ok: false, offset: i };
      if (depth > maxDepth) maxDepth = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return { ok: true, maxDepth };
}

/**
 * Index of the quote that closes the string opened at `open` (`text.length` if none): the
 * first quote after it preceded by an even run of backslashes, as reading the string one
 * character at a time (a backslash escaping the next) would find. `indexOf` jumps over the
 * string's contents, which is most of an artifact.
 */
function stringEnd(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (quote - 1 - backslashes > open && text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}
