import canonicalizeModule from "canonicalize";

type Canonicalize = (input: unknown) => string | undefined;

// The package is CommonJS (`module.exports = fn`) but its typings declare a default
// export; accept either shape.
const moduleValue = canonicalizeModule as unknown as Canonicalize | { default: Canonicalize };
const canonicalize: Canonicalize = typeof moduleValue === "function" ? moduleValue : moduleValue.default;

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation: sorted keys, no
 * insignificant whitespace, ECMAScript number formatting.
 * Throws a TypeError for values JSON cannot represent (undefined, NaN, Infinity).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON representation");
  return text;
}
