const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const DOT = 0x2e;

/** `text` holds exactly `..` from `start` to `end`. */
const isDotDot = (text: string, start: number, end: number): boolean =>
  end - start === 2 && text.charCodeAt(start) === DOT && text.charCodeAt(start + 1) === DOT;

/**
 * `RELATIVE_PATH_PATTERN.test(path)`, in one pass with no backtracking (the pattern's
 * look-ahead for a `..` segment reads the rest of the path again at each separator, which
 * costs several times this): not empty, no control character, no leading `/`, no drive letter
 * and colon at the start, and no segment (between `/` or `\` separators, or the ends) that is
 * exactly `..`.
 */
export function isRelativePath(path: string): boolean {
  const n = path.length;
  if (n === 0) return false;
  const first = path.charCodeAt(0);
  if (first === SLASH) return false;
  if (n >= 2 && path.charCodeAt(1) === COLON && ((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))) return false;
  let segmentStart = 0;
  for (let i = 0; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20) return false;
    if (c === SLASH || c === BACKSLASH) {
      if (isDotDot(path, segmentStart, i)) return false;
      segmentStart = i + 1;
    }
  }
  return !isDotDot(path, segmentStart, n);
}
