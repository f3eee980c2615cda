import { formatJsonPath } from "./format-json-path.js";

/** A surrogate code unit not part of a pair: with the `u` flag a pair is one code point. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** JSON text can only produce a lone surrogate through a `\uD8xx`–`\uDFxx` escape (raw ones are not UTF-8). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The JSON path of the first string (value or member name) in `document` holding a surrogate
 * that is not half of a pair, such as the escape `"\ud800"` alone: such a string is not text,
 * and cannot be encoded in a URL or as UTF-8. Undefined when every string is well formed.
 * `text` is the JSON the document was parsed from: without a surrogate escape in it the
 * document is not walked. Recursive: call it on documents whose depth is bounded.
 */
export function findLoneSurrogate(text: string, document: unknown): string | undefined {
  return SURROGATE_ESCAPE.test(text) ? loneSurrogatePath(document) : undefined;
}

/**
 * The same path as `findLoneSurrogate`, found by walking `document` whatever text it came from:
 * for a caller that already knows the text holds a surrogate escape. Recursive, like it.
 */
export function loneSurrogatePath(document: unknown): string | undefined {
  const path: PropertyKey[] = [];
  const visit = (node: unknown): boolean => {
    if (typeof node === "string") return LONE_SURROGATE.test(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        if (visit(node[i])) return true;
        path.pop();
      }
      return false;
    }
    if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        path.push(LONE_SURROGATE.test(key) ? key.replace(/[\uD800-\uDFFF]/gu, "\uFFFD") : key);
        if (LONE_SURROGATE.test(key) || visit(child)) return true;
        path.pop();
      }
    }
    return false;
  };
  return visit(document) ? formatJsonPath(path) : undefined;
}
