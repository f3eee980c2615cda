import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeDigestState,
  ruleApplies,
  type DigestState,
  type DigestStateInput,
  type DigestStateRow,
  type SuppressionRule,
} from "../../src/digest/compute-digest-state.js";
import { compareDigestFindings, type DigestFinding, type DigestHit, type DigestSeverity } from "../../src/digest/digest-finding.js";

/** The hit's own fields, in the order the digest writes them, the optional ones only when set. */
function hitFields(source: DigestHit): DigestHit {
  const { fingerprint, repo, path, line, pattern, severity, snippet, ruleId, sha } = source;
  return {
    fingerprint,
    repo,
    path,
    line,
    pattern,
    severity,
    ...(snippet !== undefined ? { snippet } : {}),
    ...(ruleId !== undefined ? { ruleId } : {}),
    ...(sha !== undefined ? { sha } : {}),
  };
}

const byFingerprint = (a: { fingerprint: string }, b: { fingerprint: string }) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);

/** `row`, once it is added to `rows`. */
function pushed(rows: DigestStateRow[], row: DigestStateRow): DigestStateRow {
  rows.push(row);
  return row;
}

/**
 * The diff as the rules state it, one fingerprint at a time through maps, then sorted. A
 * finding shown with its row's status (all but a new one) is that row: one object, not two.
 */
function referenceDigestState(input: DigestStateInput): DigestState {
  const nowMs = Date.parse(input.now);
  const ruleFor = (hit: DigestHit) => (input.suppressions ?? []).find((rule) => ruleApplies(rule, hit, nowMs));
  const before = new Map<string, DigestStateRow>();
  for (const row of input.previous) if (!before.has(row.fingerprint)) before.set(row.fingerprint, row);
  const now = new Map<string, DigestHit>();
  for (const hit of input.hits) if (!now.has(hit.fingerprint)) now.set(hit.fingerprint, hit);
  const rows: DigestStateRow[] = [];
  const findings: DigestFinding[] = [];
  const totals = { open: 0, new: 0, resolved: 0, suppressed: 0 };
  const at = input.generatedAt;
  for (const [fingerprint, hit] of now) {
    const stored = before.get(fingerprint);
    const firstSeenAt = stored?.firstSeenAt ?? at;
    const rule = ruleFor(hit);
    if (rule) {
      findings.push(pushed(rows, { ...hitFields(hit), status: "suppressed", firstSeenAt, lastSeenAt: at, suppressedReason: rule.reason }));
      totals.suppressed++;
    } else {
      const row = pushed(rows, { ...hitFields(hit), status: "open", firstSeenAt, lastSeenAt: at });
      totals.open++;
      if (stored?.status === "open") {
        findings.push(row);
      } else {
        findings.push({ ...hitFields(hit), status: "new", firstSeenAt });
        totals.new++;
      }
    }
  }
  for (const [fingerprint, stored] of before) {
    if (now.has(fingerprint)) continue;
    const carried = { firstSeenAt: stored.firstSeenAt, lastSeenAt: stored.lastSeenAt };
    if (stored.status === "resolved") {
      rows.push({ ...stored });
    } else if (input.complete) {
      const row = pushed(rows, { ...hitFields(stored), status: "resolved", ...carried, resolvedAt: at });
      if (stored.status === "open") {
        findings.push(row);
        totals.resolved++;
      }
    } else {
      const rule = ruleFor(stored);
      if (rule) {
        findings.push(pushed(rows, { ...hitFields(stored), status: "suppressed", ...carried, suppressedReason: rule.reason }));
        totals.suppressed++;
      } else {
        findings.push(pushed(rows, { ...hitFields(stored), status: "open", ...carried }));
        totals.open++;
      }
    }
  }
  return { rows: rows.sort(byFingerprint), findings: findings.sort(compareDigestFindings), totals };
}

/** Equal values with the keys in the same order (what is stored and rendered is serialised). */
function expectSameState(actual: DigestState, expected: DigestState): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  // Which findings are their rows, and which are objects of their own.
  const sharing = (state: DigestState) => {
    const rows = new Set<object>(state.rows);
    return state.findings.map((finding) => rows.has(finding));
  };
  expect(sharing(actual)).toEqual(sharing(expected));
}

const TIMES = ["2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", "2024-05-03T00:00:00Z"];

/** Fingerprints that are hexadecimal or not, share prefixes, end inside one another or are not ASCII. */
const fingerprint = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{0,5}$/),
  fc.constantFrom("", "0", "00", "0f", "f", "ff", "fg", "g", "9z", "a:", "A0", "gone-0f", "é", "\u{1F600}", "\uffff", "0\u0000"),
);

const hitArb: fc.Arbitrary<DigestHit> = fc.record(
  {
    fingerprint,
    repo: fc.constantFrom("o/a", "O/A", "o/b"),
    path: fc.constantFrom("x.ts", "x/y.ts", "vendor/z.js"),
    line: fc.integer({ min: 0, max: 40 }),
    pattern: fc.constantFrom("p1", "p2"),
    severity: fc.constantFrom<DigestSeverity>("low", "medium", "high", "critical"),
    snippet: fc.constantFrom("use(p1)", "x"),
    ruleId: fc.constant("rule-1"),
    sha: fc.constant("a".repeat(40)),
  },
  { requiredKeys: ["fingerprint", "repo", "path", "line", "pattern", "severity"] },
);

const rowArb: fc.Arbitrary<DigestStateRow> = fc
  .tuple(
    hitArb,
    fc.constantFrom<DigestStateRow["status"]>("open", "resolved", "suppressed"),
    fc.constantFrom(...TIMES.slice(0, 2)),
    fc.option(fc.constantFrom("why"), { nil: undefined }),
  )
  .map(([hit, status, seenAt, reason]) => ({
    ...hit,
    status,
    firstSeenAt: TIMES[0]!,
    lastSeenAt: seenAt,
    ...(status === "resolved" ? { resolvedAt: seenAt } : {}),
    ...(status === "suppressed" && reason !== undefined ? { suppressedReason: reason } : {}),
  }));

const ruleArb: fc.Arbitrary<SuppressionRule> = fc.record(
  {
    fingerprint,
    repo: fc.constantFrom("o/a"),
    path: fc.constantFrom("vendor/", "x.ts"),
    pattern: fc.constantFrom("p2"),
    reason: fc.constantFrom("r1", "r2"),
    until: fc.constantFrom("2024-01-01", "2030-01-01"),
  },
  { requiredKeys: ["reason"] },
);

/** Stored rows as loaded (sorted, one per fingerprint) or in any order with duplicates. */
const previousArb = fc.tuple(fc.array(rowArb, { maxLength: 30 }), fc.boolean()).map(([rows, asStored]) => {
  if (!asStored) return rows;
  const first = new Map<string, DigestStateRow>();
  for (const row of rows) if (!first.has(row.fingerprint)) first.set(row.fingerprint, row);
  return [...first.values()].sort(byFingerprint);
});

describe("computeDigestState against a reference", () => {
  it("gives the reference's rows, findings and totals for any stored rows, hits, rules and scan (property)", () => {
    fc.assert(
      fc.property(
        previousArb,
        fc.array(hitArb, { maxLength: 30 }),
        fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
        fc.boolean(),
        (previous, hits, suppressions, complete) => {
          const input: DigestStateInput = { previous, hits, suppressions, complete, now: "2025-01-01T00:00:00Z", generatedAt: TIMES[2]! };
          expectSameState(computeDigestState(input), referenceDigestState(input));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("gives the reference's state for thousands of SHA-256-like fingerprints, duplicates and unsorted stored rows included (property)", () => {
    const hex = (n: number) => (n * 2_654_435_761 + 97).toString(16).padStart(8, "0").repeat(8);
    fc.assert(
      fc.property(
        fc.integer({ min: 4_000, max: 7_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.constantFrom("as stored", "reversed", "with duplicates"),
        fc.boolean(),
        (count, offset, order, complete) => {
          const hits: DigestHit[] = Array.from({ length: count }, (_, i) => ({
            fingerprint: hex((i * 7 + offset) % (count - 50)),
            repo: `o/r${i % 7}`,
            path: `src/f${i % 300}.ts`,
            line: i % 90,
            pattern: "p1",
            severity: (["low", "medium", "high", "critical"] as const)[i % 4]!,
            snippet: "x",
            ...(i % 10 === 0 ? { sha: "b".repeat(40) } : {}),
          }));
          const stored = computeDigestState({ previous: [], hits: hits.slice(count >> 2), complete: true, now: TIMES[0]!, generatedAt: TIMES[0]! }).rows;
          const previous = order === "as stored" ? stored : order === "reversed" ? [...stored].reverse() : [...stored, ...stored.slice(0, 100)];
          const input: DigestStateInput = { previous, hits: hits.slice(0, count - (count >> 3)), complete, now: TIMES[1]!, generatedAt: TIMES[1]! };
          expectSameState(computeDigestState(input), referenceDigestState(input));
        },
      ),
      { numRuns: 12 },
    );
  });
});
