import { jsonStringEnd } from "./json-string-end.js";

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;

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
      i = jsonStringEnd(text, i);
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
