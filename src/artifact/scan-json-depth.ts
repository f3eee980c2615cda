import { jsonStringEnd } from "./json-string-end.js";
import { OPEN_BRACE, OPEN_BRACKET, CLOSE_BRACE, CLOSE_BRACKET, QUOTE, COLON, isWhitespace } from "./json-characters.js";

export type DepthScan =
  | {
      ok: true;
      maxDepth: number;
      /** Strings followed by a colon: in valid JSON, the members of every object, repeated names included. */
      members: number;
    }
  | { ok: false; offset: number };

/**
 * Linear scan of JSON text for the nesting depth of arrays and objects, ignoring
 * brackets inside strings. Stops at the first position deeper than `limit`, so a
 * document nested far too deep is rejected without recursion or a parse. The same pass
 * counts member names, so a repeated name can be told apart from the parsed document
 * (which keeps one member per name) without a second pass over the text.
 * Syntax is not checked here; `JSON.parse` does that afterwards.
 */
export function scanJsonDepth(text: string, limit: number): DepthScan {
  let depth = 0;
  let maxDepth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = jsonStringEnd(text, i);
      let next = i + 1;
      while (next < text.length && isWhitespace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) === COLON) {
        members++;
        i = next;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > limit) return { ok: false, offset: i };
      if (depth > maxDepth) maxDepth = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return { ok: true, maxDepth, members };
}
