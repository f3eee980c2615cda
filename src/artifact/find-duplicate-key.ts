import { formatJsonPath } from "./format-json-path.js";
import { jsonStringEnd } from "./json-string-end.js";
import { OPEN_BRACE, OPEN_BRACKET, CLOSE_BRACE, CLOSE_BRACKET, QUOTE, COLON, COMMA, isWhitespace } from "./json-characters.js";

/**
 * The JSON path of the first object member whose name repeats an earlier member of the same
 * object (`tool.name`, `org_unregistered_hits[3].path`), or undefined when every name is unique.
 * `JSON.parse` keeps the last of two members silently while other parsers keep the first, so a
 * document with a repeated name means different things to its producer and to the gate.
 * Linear in the text; call it on text `JSON.parse` accepted.
 */
export function findDuplicateKey(text: string): string | undefined {
  // One entry per open object or array: where its member names start in `names` (-1 for an
  // array), and the member being read or the array index.
  const starts: number[] = [];
  const at: Array<string | number> = [];
  const names: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = jsonStringEnd(text, i);
      const top = starts.length - 1;
      const start = top >= 0 ? starts[top]! : -1;
      let next = end + 1;
      while (next < text.length && isWhitespace(text.charCodeAt(next))) next++;
      if (start >= 0 && text.charCodeAt(next) === COLON) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        at[top] = name;
        for (let n = start; n < names.length; n++) if (names[n] === name) return formatJsonPath(at);
        names.push(name);
      }
      i = end;
    } else if (c === OPEN_BRACE) {
      starts.push(names.length);
      at.push("");
    } else if (c === OPEN_BRACKET) {
      starts.push(-1);
      at.push(0);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      const start = starts.pop();
      at.pop();
      if (start !== undefined && start >= 0) names.length = start;
    } else if (c === COMMA) {
      const top = starts.length - 1;
      if (top >= 0 && starts[top] === -1) at[top] = (at[top] as number) + 1;
    }
  }
  return undefined;
}
