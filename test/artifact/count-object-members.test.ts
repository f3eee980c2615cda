import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countObjectMembers } from "../../src/artifact/count-object-members.js";
import { findDuplicateKey } from "../../src/artifact/find-duplicate-key.js";
import { scanJsonDepth } from "../../src/artifact/scan-json-depth.js";

/** Member names that repeat often, are spelled with escapes, or look like structure. */
const name = fc.constantFrom('"a"', '"b"', '"\\u0061"', '"a:"', '"{"', '"\\""', '"__proto__"', '""');
const space = fc.constantFrom("", " ", "\n\t ", "\r\n");

/** JSON text of nested objects and arrays, written by hand so that names can repeat. */
const { value: jsonText } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("1", "null", '"x"', '"a:"', '":"', '"\\\\"', "true"),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(name, space, tie("value")), { maxLength: 4 })
      .map((members) => `{${members.map(([key, gap, child]) => `${key}${gap}:${gap}${child}`).join(",")}}`),
  ),
}));

describe("countObjectMembers against the member names the depth scan counts", () => {
  it("are equal exactly when no object repeats a name (property)", () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const scan = scanJsonDepth(text, 1_000);
        if (!scan.ok) throw new Error("depth limit reached");
        const equal = countObjectMembers(JSON.parse(text)) === scan.members;
        expect(equal).toBe(findDuplicateKey(text) === undefined);
      }),
      { numRuns: 3_000 },
    );
  });

  it("count members of nested objects and objects in arrays", () => {
    const text = '{"a": {"b": 1, "c": [{"d": 2}, {"e": 3, "f": {}}]}, "g": "h:"}';
    expect(countObjectMembers(JSON.parse(text))).toBe(7);
    expect(scanJsonDepth(text, 10)).toEqual({ ok: true, maxDepth: 5, members: 7 });
  });
});
