import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDigestFindings, type DigestSeverity } from "../../src/digest/digest-finding.js";
import { sortDigestFindings } from "../../src/digest/sort-digest-findings.js";

/** Values that share prefixes, sort around the separator and the base-256 digits, or are not ASCII. */
const finding = fc.record({
  severity: fc.constantFrom<DigestSeverity>("low", "medium", "high", "critical"),
  repo: fc.constantFrom("o/a", "o/ab", "O/a", "o/a-b", "ö/a"),
  path: fc.constantFrom("x", "x/y", "xy", "x y", "x\u0001", "\u{1F600}", "\uffff", "é"),
  line: fc.constantFrom(1, 2, 10, 255, 256, 65_535, 65_536, 65_537, 2 ** 32 - 1, 2 ** 32, 2 ** 48 + 1, Number.MAX_SAFE_INTEGER, 0),
  fingerprint: fc.constantFrom("a", "ab", "b", "0f", "", "é"),
  id: fc.nat(),
});

describe("sortDigestFindings", () => {
  it("orders findings exactly as sorting by compareDigestFindings does, ties in input order (property)", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 40 }), (findings) => {
        const expected = [...findings].sort(compareDigestFindings);
        const sorted = sortDigestFindings([...findings]);
        expect(sorted).toEqual(expected);
        // Ties (same severity, repository, path, line and fingerprint) keep their input order.
        expect(sorted.map((f) => f.id)).toEqual(expected.map((f) => f.id));
      }),
      { numRuns: 3_000 },
    );
  });

  it("falls back to the comparator for a separator in a path, or a line that is not a non-negative safe integer", () => {
    const base = { severity: "high" as const, repo: "o/a", fingerprint: "f" };
    const odd = [
      { ...base, path: "x\u0000b", line: 3 },
      { ...base, path: "x", line: 3 },
      { ...base, path: "x", line: -1 },
      { ...base, path: "x", line: 2.5 },
      { ...base, path: "x\u0000", line: 1 },
    ];
    expect(sortDigestFindings([...odd])).toEqual([...odd].sort(compareDigestFindings));
    const sorted = sortDigestFindings([
      { ...base, path: "b", line: 1 },
      { ...base, path: "a", line: -5 },
    ]);
    expect(sorted.map((f) => f.path)).toEqual(["a", "b"]);
  });
});
