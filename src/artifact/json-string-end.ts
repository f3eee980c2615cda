const BACKSLASH = 0x5c;

/**
 * Index of the quote that closes the string opened at `open` (`text.length` if none): the
 * first quote after it preceded by an even run of backslashes, as reading the string one
 * character at a time (a backslash escaping the next) would find. `indexOf` jumps over the
 * string's contents, which is most of an artifact.
 */
export function jsonStringEnd(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (quote - 1 - backslashes > open && text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}
