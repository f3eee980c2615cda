import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RELATIVE_PATH_PATTERN } from "../../src/artifact/consumer-artifact-schema.js";
import { isRelativePath } from "../../src/artifact/is-relative-path.js";

describe("isRelativePath", () => {
  it("answers as the schema's path pattern does for any text (property)", () => {
    // The characters the pattern looks at, and some it does not.
    const unit = fc.constantFrom("a", "Z", "C", "é", "😀", "\ud800", " ", ".", "..", "...", "/", "\\", ":", "\u0000", "\u001f", "\n", "\u007f", "\u2028");
    const text = fc.oneof(fc.array(unit, { maxLength: 10 }).map((parts) => parts.join("")), fc.string({ unit: "binary", maxLength: 12 }));
    fc.assert(
      fc.property(text, (path) => {
        expect(isRelativePath(path)).toBe(RELATIVE_PATH_PATTERN.test(path));
      }),
      { numRuns: 20_000 },
    );
  });

  it("accepts ordinary paths and refuses absolute ones, drive letters, `..` segments and control characters", () => {
    for (const path of ["src/a.ts", "a\\b.ts", "..x/y", "x..", "a/...", "a/.b", "ü/😀.py", "1:x", "ab:c"]) expect(isRelativePath(path)).toBe(true);
    for (const path of ["", "/abs", "C:/x", "c:", "..", "../etc", "a/../b", "a/..", "a\\..\\b", "ok\u0001", "tab\there"]) expect(isRelativePath(path)).toBe(false);
  });
});
