import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hitSchema } from "../../src/artifact/consumer-artifact-schema.js";
import { hasLongStrings } from "../../src/artifact/find-long-strings.js";
import { quickCheckHits } from "../../src/artifact/quick-check-hits.js";

/** Field values near every edge the schema draws, valid and not, as JSON would carry them. */
const repos = ["acme/web", "Acme/Web.js", "a/..", "a/.", "a/...", "acme", "-acme/web", "acme/web/x", `a/${"b".repeat(100)}`, `a/${"b".repeat(101)}`, "", 7];
const paths = ["src/a.ts", "a\\b.ts", "../etc", "a/../b", "a/..", "..x/y", "x..", "/abs", "C:/x", "c:", "ok\u0001", "tab\there", "", "ü/😀.py", "p".repeat(1_024), "p".repeat(1_025), null];
const lines = [1, 2, 500, 0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, "7", null, true];
const patterns = ["P", "", "p".repeat(256), "p".repeat(257), 3];
const snippets = [undefined, "", "x = 1", "s".repeat(2_000), "s".repeat(2_001), { text: "x" }];
const severities = [undefined, "low", "medium", "high", "critical", "urgent", "HIGH", null];
const ruleIds = [undefined, "R1", "", "r".repeat(256), "r".repeat(257), 1];
const extras: Array<Record<string, unknown> | undefined> = [undefined, { confidence: 0.9 }, { note: "x".repeat(3_000) }, { nested: { deep: ["y".repeat(3_000)] } }, { ["k".repeat(3_000)]: 1 }, { constructor: 1, toString: "x" }];

/** Mostly one of the first `valid` values (so whole hits are often valid), sometimes any. */
const mostly = <T>(values: readonly T[], valid: number) =>
  fc.oneof({ arbitrary: fc.constantFrom(...values.slice(0, valid)), weight: 6 }, { arbitrary: fc.constantFrom(...values), weight: 1 });

const arbitraryHit = fc
  .record({
    repo: mostly(repos, 2),
    path: mostly(paths, 2),
    line_number: mostly(lines, 3),
    pattern: mostly(patterns, 1),
    snippet: mostly(snippets, 4),
    severity: mostly(severities, 5),
    rule_id: mostly(ruleIds, 2),
    extra: mostly(extras, 2),
    drop: fc.oneof({ arbitrary: fc.constant([] as string[]), weight: 8 }, { arbitrary: fc.subarray(["repo", "path", "line_number", "pattern"]), weight: 1 }),
    proto: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
  })
  .map(({ extra, drop, proto, ...fields }) => {
    const text = JSON.stringify({ ...fields, ...extra, ...(proto ? { ["__proto__"]: { polluted: true } } : {}) });
    // Through JSON, as an artifact arrives: undefined fields vanish, `__proto__` becomes an own key.
    const hit = JSON.parse(text) as Record<string, unknown>;
    for (const key of drop) delete hit[key];
    return hit;
  });

describe("quickCheckHits", () => {
  it("answers only for hits the schema accepts, with exactly the schema's output (property)", () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.array(arbitraryHit, { minLength: 1, maxLength: 4 }), fc.constantFrom(2_048, 65_536), (hits, maxStringLength) => {
        const quick = quickCheckHits(hits, maxStringLength);
        if (quick === undefined) return;
        answered++;
        expect(hasLongStrings(hits, maxStringLength)).toBe(false);
        hits.forEach((hit, i) => {
          const parsed = hitSchema.safeParse(hit);
          expect(parsed.success).toBe(true);
          if (!parsed.success) return;
          // Same fields, same values, same order (JSON text and signatures depend on it).
          expect(Object.keys(quick.hits[i]!)).toEqual(Object.keys(parsed.data));
          expect(JSON.stringify(quick.hits[i])).toBe(JSON.stringify(parsed.data));
          expect(Object.getPrototypeOf(quick.hits[i])).toBe(Object.prototype);
        });
        const unknown = hits.some((hit) => Object.keys(hit).some((key) => !Object.keys(hitSchema.shape).includes(key)));
        expect(quick.unknownFields).toBe(unknown);
      }),
      { numRuns: 3_000 },
    );
    // The generator makes valid hits often enough that the equality above was really tested.
    expect(answered).toBeGreaterThan(50);
  });

  it("answers for ordinary valid hits, applies the default severity and leaves the input untouched", () => {
    const hits = [
      { repo: "acme/web", path: "src/a.ts", line_number: 3, pattern: "P", snippet: "x" },
      { pattern: "P", rule_id: "R1", line_number: 9, path: "b.py", repo: "acme/api", severity: "low", confidence: 0.5 },
    ];
    const before = JSON.stringify(hits);
    const quick = quickCheckHits(hits, 65_536);
    expect(quick?.hits).toEqual([
      { repo: "acme/web", path: "src/a.ts", line_number: 3, pattern: "P", snippet: "x", severity: "medium" },
      { repo: "acme/api", path: "b.py", line_number: 9, pattern: "P", severity: "low", rule_id: "R1", confidence: 0.5 },
    ]);
    expect(quick?.unknownFields).toBe(true);
    expect(JSON.stringify(hits)).toBe(before);
  });

  it("declines a hit the schema refuses, a long string and an own __proto__ key", () => {
    const ok = { repo: "acme/web", path: "src/a.ts", line_number: 3, pattern: "P" };
    expect(quickCheckHits([ok, { ...ok, path: "../x" }], 65_536)).toBeUndefined();
    expect(quickCheckHits([ok, { ...ok, note: "n".repeat(3_000) }], 2_048)).toBeUndefined();
    expect(quickCheckHits([ok, JSON.parse(`{"repo":"acme/web","path":"a","line_number":1,"pattern":"P","__proto__":{}}`)], 65_536)).toBeUndefined();
    expect(quickCheckHits([ok, null], 65_536)).toBeUndefined();
  });
});
