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

/**
 * Paths built from pieces that share long prefixes, end inside one another, hold a separator,
 * characters at the top of one byte and beyond it, so large groups go through every kind of
 * bucket; few severities and repositories, so groups hold hundreds of findings.
 */
const piece = fc.constantFrom("src/", "src/dir", "1", "10", "/", "file", ".ts", "\u0000", "\u00ff", "\u0100", "é", "\u{1F600}", "a", "b");
const crowded = fc.record({
  severity: fc.constantFrom<DigestSeverity>("low", "critical"),
  repo: fc.constantFrom("o/a", "o/b"),
  path: fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join("")),
  line: fc.constantFrom(0, 1, 2, 7, 256, 2 ** 32),
  fingerprint: fc.constantFrom("a", "b", "c", "ab", ""),
  id: fc.nat(),
});

/**
 * Whether `sortDigestFindings` gives the very objects sorting by `compareDigestFindings` gives,
 * in the same order. A boolean (not expect): shrinking a failure among hundreds of findings stays quick.
 */
function sortsAsTheComparator<T extends Parameters<typeof compareDigestFindings>[0]>(findings: T[]): boolean {
  const expected = [...findings].sort(compareDigestFindings);
  const sorted = sortDigestFindings([...findings]);
  return sorted.length === expected.length && sorted.every((f, k) => f === expected[k]);
}

describe("sortDigestFindings", () => {
  it("orders large groups of findings with shared path prefixes exactly as compareDigestFindings does, ties in input order (property)", () => {
    fc.assert(
      fc.property(fc.array(crowded, { minLength: 50, maxLength: 600 }), sortsAsTheComparator),
      { numRuns: 400 },
    );
  });

  it("orders large groups whose paths stay within one byte per character, so buckets are split again and again, exactly as compareDigestFindings does (property)", () => {
    // No character beyond U+00FF: no bucket falls back to comparing, and every bucket of more
    // than a few findings is split by its next character, one radix step after another.
    const bytePiece = fc.constantFrom("src/", "dir", "1", "10", "2", "/", "file", ".ts", "\u00ff", "a", "b", "a/b");
    const deep = fc.record({
      severity: fc.constantFrom<DigestSeverity>("low", "high"),
      repo: fc.constantFrom("o/a", "o/b"),
      path: fc.array(bytePiece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join("")),
      line: fc.constantFrom(1, 2, 3),
      fingerprint: fc.constantFrom("a", "b"),
      id: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(deep, { minLength: 100, maxLength: 400 }), sortsAsTheComparator),
      { numRuns: 200 },
    );
  });

  it("orders thousands of findings shaped like a real scan exactly as compareDigestFindings does", () => {
    const severities = ["low", "medium", "high", "critical"] as const;
    const findings = Array.from({ length: 20_000 }, (_, i) => ({
      severity: severities[(i * 7) % 4]!,
      repo: `acme/r${i % 13}`,
      path: `src/dir${(i * 31) % 97}/file${(i * 7919) % 5_000}.ts`,
      line: (i * 13) % 50,
      fingerprint: ((i * 2_654_435_761) % 2 ** 32).toString(16),
      id: i,
    }));
    const expected = [...findings].sort(compareDigestFindings);
    expect(sortDigestFindings([...findings]).map((f) => f.id)).toEqual(expected.map((f) => f.id));
  });

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

  it("orders a separator in a path and falls back to the comparator for a line that is not a non-negative safe integer", () => {
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
