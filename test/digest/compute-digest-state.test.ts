import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DigestStateRow, SuppressionRule } from "../../src/digest/compute-digest-state.js";
import type { DigestHit } from "../../src/digest/digest-finding.js";
import { computeDigestState } from "../../src/digest/compute-digest-state.js";
import type { DigestSeverity } from "../../src/digest/digest-finding.js";
import { compareDigestFindings } from "../../src/digest/digest-finding.js";

const T1 = "2024-05-01T00:00:00Z";
const T2 = "2024-05-02T00:00:00Z";
const T3 = "2024-05-03T00:00:00Z";

function hit(fingerprint: string, overrides: Partial<DigestHit> = {}): DigestHit {
  return {
    fingerprint,
    repo: "octo/app",
    path: `src/${fingerprint}.ts`,
    line: 10,
    pattern: "legacy-api",
    severity: "medium",
    ...overrides,
  };
}

function statusOf(findings: { fingerprint: string; status: string }[]): Record<string, string> {
  return Object.fromEntries(findings.map((f) => [f.fingerprint, f.status]));
}

describe("computeDigestState", () => {
  it("reports everything as new on the first update", () => {
    const state = computeDigestState({ previous: [], hits: [hit("a"), hit("b")], complete: true, now: T1, generatedAt: T1 });
    expect(statusOf(state.findings)).toEqual({ a: "new", b: "new" });
    expect(state.totals).toEqual({ open: 2, new: 2, resolved: 0, suppressed: 0 });
    expect(state.rows.map((r) => [r.fingerprint, r.status, r.firstSeenAt, r.lastSeenAt])).toEqual([
      ["a", "open", T1, T1],
      ["b", "open", T1, T1],
    ]);
  });

  it("classifies new, still open and resolved across updates and keeps first-seen times", () => {
    const first = computeDigestState({ previous: [], hits: [hit("a"), hit("b")], complete: true, now: T1, generatedAt: T1 });
    const second = computeDigestState({
      previous: first.rows,
      hits: [hit("b", { line: 99 }), hit("c")],
      complete: true,
      now: T2,
      generatedAt: T2,
    });
    expect(statusOf(second.findings)).toEqual({ a: "resolved", b: "open", c: "new" });
    expect(second.totals).toEqual({ open: 2, new: 1, resolved: 1, suppressed: 0 });
    const rows = Object.fromEntries(second.rows.map((r) => [r.fingerprint, r]));
    expect(rows.a).toMatchObject({ status: "resolved", firstSeenAt: T1, lastSeenAt: T1, resolvedAt: T2 });
    expect(rows.b).toMatchObject({ status: "open", firstSeenAt: T1, lastSeenAt: T2, line: 99 });
    expect(rows.c).toMatchObject({ status: "open", firstSeenAt: T2, lastSeenAt: T2 });

    // Resolved at an earlier update: kept as a row, not reported again.
    const third = computeDigestState({ previous: second.rows, hits: [hit("b"), hit("c")], complete: true, now: T3, generatedAt: T3 });
    expect(statusOf(third.findings)).toEqual({ b: "open", c: "open" });
    expect(third.rows.map((r) => r.fingerprint)).toEqual(["a", "b", "c"]);
  });

  it("reports a resolved finding that comes back as new", () => {
    const first = computeDigestState({ previous: [], hits: [hit("a")], complete: true, now: T1, generatedAt: T1 });
    const gone = computeDigestState({ previous: first.rows, hits: [], complete: true, now: T2, generatedAt: T2 });
    const back = computeDigestState({ previous: gone.rows, hits: [hit("a")], complete: true, now: T3, generatedAt: T3 });
    expect(statusOf(back.findings)).toEqual({ a: "new" });
    expect(back.rows[0]).toMatchObject({ status: "open", firstSeenAt: T1, lastSeenAt: T3 });
  });

  it("resolves nothing on a partial scan: absent findings stay open", () => {
    const first = computeDigestState({ previous: [], hits: [hit("a"), hit("b")], complete: true, now: T1, generatedAt: T1 });
    const partial = computeDigestState({ previous: first.rows, hits: [hit("b")], complete: false, now: T2, generatedAt: T2 });
    expect(statusOf(partial.findings)).toEqual({ a: "open", b: "open" });
    expect(partial.totals).toEqual({ open: 2, new: 0, resolved: 0, suppressed: 0 });
    const a = partial.rows.find((r) => r.fingerprint === "a");
    expect(a).toMatchObject({ status: "open", lastSeenAt: T1 });
    expect(a?.resolvedAt).toBeUndefined();
  });

  it("applies suppression rules by fingerprint, repository, path prefix and pattern", () => {
    const rules: SuppressionRule[] = [
      { fingerprint: "a", reason: "false positive" },
      { repo: "OCTO/Legacy", reason: "archived soon" },
      { path: "vendor/", reason: "third-party code" },
      { repo: "octo/app", pattern: "old-pattern", reason: "accepted risk" },
      { reason: "a rule without selectors matches nothing" },
    ];
    const state = computeDigestState({
      previous: [],
      hits: [
        hit("a"),
        hit("b", { repo: "octo/legacy" }),
        hit("c", { path: "vendor/lib/x.js" }),
        hit("d", { pattern: "old-pattern" }),
        hit("e", { path: "vendored.js" }),
        hit("f", { repo: "octo/other", pattern: "old-pattern" }),
      ],
      suppressions: rules,
      complete: true,
      now: T1,
      generatedAt: T1,
    });
    expect(statusOf(state.findings)).toEqual({ a: "suppressed", b: "suppressed", c: "suppressed", d: "suppressed", e: "new", f: "new" });
    expect(state.findings.find((f) => f.fingerprint === "c")?.suppressedReason).toBe("third-party code");
    expect(state.totals).toEqual({ open: 2, new: 2, resolved: 0, suppressed: 4 });
  });

  it("stops applying a rule after its `until` date", () => {
    const rules: SuppressionRule[] = [{ fingerprint: "a", reason: "until the fix ships", until: "2024-05-01" }];
    const before = computeDigestState({ previous: [], hits: [hit("a")], suppressions: rules, complete: true, now: "2024-04-30T12:00:00Z", generatedAt: T1 });
    expect(statusOf(before.findings)).toEqual({ a: "suppressed" });
    const after = computeDigestState({ previous: before.rows, hits: [hit("a")], suppressions: rules, complete: true, now: T2, generatedAt: T2 });
    expect(statusOf(after.findings)).toEqual({ a: "new" });
    const invalid = computeDigestState({
      previous: [],
      hits: [hit("a")],
      suppressions: [{ fingerprint: "a", reason: "x", until: "not a date" }],
      complete: true,
      now: T1,
      generatedAt: T1,
    });
    expect(statusOf(invalid.findings)).toEqual({ a: "new" });
  });

  it("does not report a suppressed finding that went away as resolved", () => {
    const rules: SuppressionRule[] = [{ fingerprint: "a", reason: "known" }];
    const first = computeDigestState({ previous: [], hits: [hit("a")], suppressions: rules, complete: true, now: T1, generatedAt: T1 });
    const second = computeDigestState({ previous: first.rows, hits: [], suppressions: rules, complete: true, now: T2, generatedAt: T2 });
    expect(second.findings).toEqual([]);
    expect(second.totals).toEqual({ open: 0, new: 0, resolved: 0, suppressed: 0 });
    expect(second.rows[0]?.status).toBe("resolved");
  });

  it("keeps the first of duplicate fingerprints", () => {
    const state = computeDigestState({ previous: [], hits: [hit("a", { line: 1 }), hit("a", { line: 2 })], complete: true, now: T1, generatedAt: T1 });
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]?.line).toBe(1);
  });

  it("lists findings in the canonical order", () => {
    const state = computeDigestState({
      previous: [],
      hits: [
        hit("z", { severity: "low" }),
        hit("y", { severity: "critical", repo: "b/b" }),
        hit("x", { severity: "critical", repo: "a/a", line: 5 }),
        hit("w", { severity: "critical", repo: "a/a", path: "src/x.ts", line: 2 }),
      ],
      complete: true,
      now: T1,
      generatedAt: T1,
    });
    expect(state.findings.map((f) => f.fingerprint)).toEqual(["w", "x", "y", "z"]);
  });

  describe("properties", () => {
    const severity = fc.constantFrom<DigestSeverity>("low", "medium", "high", "critical");
    const hitArb = fc.record({
      fingerprint: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `fp${i}`)),
      repo: fc.constantFrom("o/a", "o/b"),
      path: fc.constantFrom("x.ts", "vendor/y.ts"),
      line: fc.integer({ min: 1, max: 50 }),
      pattern: fc.constantFrom("p1", "p2"),
      severity,
    });
    const ruleArb = fc.record(
      {
        fingerprint: fc.constantFrom("fp1", "fp2"),
        repo: fc.constantFrom("o/a"),
        path: fc.constantFrom("vendor/"),
        pattern: fc.constantFrom("p2"),
        reason: fc.constant("r"),
        until: fc.constantFrom("2024-01-01", "2030-01-01"),
      },
      { requiredKeys: ["reason"] },
    );
    const stepArb = fc.record({
      hits: fc.array(hitArb, { maxLength: 12 }),
      complete: fc.boolean(),
      rules: fc.array(ruleArb, { maxLength: 3 }),
    });

    function run(previous: DigestStateRow[], step: { hits: DigestHit[]; complete: boolean; rules: SuppressionRule[] }, at: string) {
      return computeDigestState({ previous, hits: step.hits, suppressions: step.rules, complete: step.complete, now: "2025-01-01T00:00:00Z", generatedAt: at });
    }

    it("applying the same input twice yields no new and no resolved the second time", () => {
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 4 }), stepArb, (history, step) => {
          let rows: DigestStateRow[] = [];
          history.forEach((h, i) => {
            rows = run(rows, h, `2024-06-0${i + 1}T00:00:00Z`).rows;
          });
          const once = run(rows, step, "2024-07-01T00:00:00Z");
          const twice = run(once.rows, step, "2024-07-01T00:00:00Z");
          expect(twice.totals.new).toBe(0);
          expect(twice.totals.resolved).toBe(0);
          expect(twice.findings.filter((f) => f.status === "new" || f.status === "resolved")).toEqual([]);
          expect(twice.rows).toEqual(once.rows);
          expect(twice.totals.open).toBe(once.totals.open);
          expect(twice.totals.suppressed).toBe(once.totals.suppressed);
        }),
        { numRuns: 400 },
      );
    });

    it("never loses a fingerprint and keeps totals consistent with the findings", () => {
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 1, maxLength: 5 }), (steps) => {
          let rows: DigestStateRow[] = [];
          const everSeen = new Set<string>();
          steps.forEach((step, i) => {
            const previousOpen = new Set(rows.filter((r) => r.status === "open").map((r) => r.fingerprint));
            const state = run(rows, step, `2024-06-0${i + 1}T00:00:00Z`);
            for (const h of step.hits) everSeen.add(h.fingerprint);
            const fingerprints = state.rows.map((r) => r.fingerprint);
            expect(new Set(fingerprints).size).toBe(fingerprints.length);
            expect(new Set(fingerprints)).toEqual(everSeen);
            const count = (s: string) => state.findings.filter((f) => f.status === s).length;
            expect(state.totals).toEqual({
              open: count("open") + count("new"),
              new: count("new"),
              resolved: count("resolved"),
              suppressed: count("suppressed"),
            });
            for (const f of state.findings) {
              if (f.status === "new") expect(previousOpen.has(f.fingerprint)).toBe(false);
              if (f.status === "resolved") {
                expect(previousOpen.has(f.fingerprint)).toBe(true);
                expect(step.complete).toBe(true);
              }
            }
            if (!step.complete) {
              // Nothing open before is lost or resolved by a partial scan.
              for (const fp of previousOpen) {
                expect(state.rows.find((r) => r.fingerprint === fp)?.status).not.toBe("resolved");
              }
            }
            rows = state.rows;
          });
        }),
        { numRuns: 400 },
      );
    });
  });

  it("keeps one row per fingerprint sorted by fingerprint and findings in the canonical order, whatever the stored order (property)", () => {
    const fingerprint = fc.constantFrom("a", "b", "ab", "b0", "0f", "é", "\u{1F600}", "\uffff");
    const arbitraryHit = fc.record({
      fingerprint,
      severity: fc.constantFrom<DigestSeverity>("low", "medium", "high", "critical"),
      line: fc.integer({ min: 1, max: 70_000 }),
      path: fc.constantFrom("x", "x/y", "xy"),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryHit, { maxLength: 12 }),
        fc.array(arbitraryHit, { maxLength: 12 }),
        fc.constantFrom("sorted", "reversed", "with duplicates"),
        fc.boolean(),
        (before, now, order, complete) => {
          const stored = computeDigestState({ previous: [], hits: before.map((h) => hit(h.fingerprint, h)), complete: true, now: T1, generatedAt: T1 }).rows;
          const previous = order === "sorted" ? stored : order === "reversed" ? [...stored].reverse() : [...stored, ...stored.slice(0, 2)];
          const state = computeDigestState({ previous, hits: now.map((h) => hit(h.fingerprint, h)), complete, now: T2, generatedAt: T2 });
          const fingerprints = state.rows.map((r) => r.fingerprint);
          expect(fingerprints).toEqual([...new Set([...before, ...now].map((h) => h.fingerprint))].sort());
          expect(state.findings).toEqual([...state.findings].sort(compareDigestFindings));
          // Every finding reported now is shown once, as reported (its line), whatever the stored order.
          for (const h of now) expect(state.findings.find((f) => f.fingerprint === h.fingerprint)?.line).toBe(now.find((n) => n.fingerprint === h.fingerprint)!.line);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
