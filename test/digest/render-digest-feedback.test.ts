import { describe, expect, it } from "vitest";
import type { DigestFinding } from "../../src/digest/digest-finding.js";
import { renderDigest, type DigestView } from "../../src/digest/render-digest.js";
import { digestPatternFeedback } from "../../src/feedback/pattern-feedback.js";

function finding(n: number, pattern: string): DigestFinding {
  return { fingerprint: n.toString(16).padStart(16, "0"), repo: "acme/app", path: `src/f${n}.ts`, line: n, pattern, severity: "medium", status: "open", firstSeenAt: "2026-11-20T10:00:00Z" };
}

function view(overrides: Partial<DigestView>): DigestView {
  return { auditId: "org-audit", generatedAt: "2026-11-20T10:00:00Z", complete: true, host: "github.com", findings: [], totals: { open: 0, new: 0, resolved: 0, suppressed: 0 }, ...overrides };
}

const footerLine = (body: string): string | undefined => body.split("\n").find((line) => line.startsWith("<sub>Dismissed as false positive"));

describe("the digest footer's false-positive rates", () => {
  it("names at most three patterns, worst rate first, and none without a false positive", () => {
    const rows = [
      ...["a", "a", "a", "a"].map((p, i) => ({ fingerprint: `a${i}`, pattern: p, status: "open" as const })),
      ...["b", "b"].map((p, i) => ({ fingerprint: `b${i}`, pattern: p, status: "resolved" as const })),
      { fingerprint: "c0", pattern: "c", status: "suppressed" as const },
      ...["d", "d", "d"].map((p, i) => ({ fingerprint: `d${i}`, pattern: p, status: "open" as const })),
      { fingerprint: "e0", pattern: "e", status: "open" as const },
    ];
    const dismissals = [
      { fingerprint: "a0", reason: "false_positive" as const },
      { fingerprint: "b0", reason: "false_positive" as const },
      { fingerprint: "c0", reason: "false_positive" as const },
      { fingerprint: "d0", reason: "false_positive" as const },
      { fingerprint: "e0", reason: "wont_fix" as const },
    ];
    const { body } = renderDigest(view({ patternFeedback: digestPatternFeedback({ rows, dismissals }) }));
    // c 1 of 1, b 1 of 2, d 1 of 3; a (1 of 4) is fourth; e has none.
    expect(footerLine(body)).toBe("<sub>Dismissed as false positive, worst patterns: `c` 1 of 1 (100%) · `b` 1 of 2 (50%) · `d` 1 of 3 (33%)</sub>");
  });

  it("shows no line when no finding was dismissed as false positive", () => {
    const feedback = digestPatternFeedback({ rows: [{ fingerprint: "a0", pattern: "a", status: "open" }], dismissals: [{ fingerprint: "a0", reason: "used_in_tests" }] });
    const { body } = renderDigest(view({ patternFeedback: feedback }));
    expect(footerLine(body)).toBeUndefined();
    expect(body).toBe(renderDigest(view({})).body);
  });

  it("keeps a pattern's name on one line, in a code span it cannot close, shortened, and the body within its budget", () => {
    const long = `evil\` @team\n| ${"x".repeat(500)}`;
    const findings = Array.from({ length: 400 }, (_, i) => finding(i + 1, `pattern-${i}-${"y".repeat(60)}`));
    const rows = [
      ...findings.map((f) => ({ fingerprint: f.fingerprint, pattern: f.pattern, status: "open" as const })),
      { fingerprint: "ff", pattern: long, status: "suppressed" as const },
    ];
    const dismissals = [...findings.map((f) => ({ fingerprint: f.fingerprint, reason: "false_positive" as const })), { fingerprint: "ff", reason: "false_positive" as const }];
    const budget = 10_000;
    const { body, omitted } = renderDigest(
      view({ findings, totals: { open: findings.length, new: 0, resolved: 0, suppressed: 0 }, patternFeedback: digestPatternFeedback({ rows, dismissals }), budget }),
    );
    expect(body.length).toBeLessThanOrEqual(budget);
    expect(omitted).toBeGreaterThan(0);
    const line = footerLine(body)!;
    expect(line.length).toBeLessThan(400);
    expect(line).toMatch(/^<sub>Dismissed as false positive, worst patterns: ``evil` @team \| x+…`` 1 of 1 \(100%\) · `pattern-0-y+` 1 of 1 \(100%\) · `pattern-1-y+` 1 of 1 \(100%\)<\/sub>$/);
  });
});
