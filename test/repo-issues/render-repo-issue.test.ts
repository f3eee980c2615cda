import { describe, expect, it } from "vitest";
import type { DigestFinding } from "../../src/digest/digest-finding.js";
import { parseDigestMarker, parseRepoIssueMarker } from "../../src/digest/digest-marker.js";
import { shortFingerprintLength } from "../../src/digest/render-digest.js";
import { planRepoIssues } from "../../src/repo-issues/plan-repo-issues.js";
import { renderRepoIssue } from "../../src/repo-issues/render-repo-issue.js";

const findings: DigestFinding[] = Array.from({ length: 3_000 }, (_, i) => ({
  fingerprint: `fp-${i}`,
  repo: "acme/web",
  path: `src/m${i}.ts`,
  line: i + 1,
  pattern: "p",
  severity: "high",
  snippet: `call(${"x".repeat(200)}) // @alice #12`,
  status: "new",
  firstSeenAt: "2026-01-01T00:00:00Z",
}));

describe("renderRepoIssue", () => {
  it("is the digest rendering of the repository under its own marker, linking back to the digest, within the size budget", () => {
    const { title, body, omitted } = renderRepoIssue({
      auditId: "a1",
      repo: "acme/web",
      generatedAt: "2026-01-02T00:00:00Z",
      complete: true,
      host: "github.com",
      findings,
      totals: { open: 3_000, new: 3_000, resolved: 0, suppressed: 0 },
      digestUrl: "https://github.com/acme/app/issues/4",
    });
    expect(title).toBe("Audit findings: a1");
    expect(parseRepoIssueMarker(body)).toEqual({ version: 1, auditId: "a1", repo: "acme/web" });
    expect(parseDigestMarker(body)).toBeNull();
    expect(body).toContain("[the digest issue](https://github.com/acme/app/issues/4)");
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(omitted).toBeGreaterThan(0);
    expect(body).not.toMatch(/@alice\b/);
  });
});

describe("short fingerprints in per-repository issues", () => {
  const finding = (fingerprint: string, repo: string, path: string): DigestFinding => ({
    fingerprint,
    repo,
    path,
    line: 1,
    pattern: "p",
    severity: "high",
    status: "open",
    firstSeenAt: "2026-01-01T00:00:00Z",
  });

  it("show as many characters as the digest, so a prefix names the same finding in both", () => {
    // Two findings in different repositories share 9 characters: the digest shows 10.
    const all = [
      finding(`abcdef0123${"0".repeat(54)}`, "acme/app", "src/a.ts"),
      finding(`abcdef0124${"0".repeat(54)}`, "acme/web", "lib/b.js"),
      finding(`99999999${"1".repeat(56)}`, "acme/web", "lib/c.js"),
    ];
    const plans = planRepoIssues({ findings: all, complete: true, records: new Map(), auditId: "a1", digestUrl: "https://github.com/acme/app/issues/4" });
    const web = plans.find((plan) => plan.repo === "acme/web")!;
    const { body } = renderRepoIssue({
      auditId: "a1",
      repo: "acme/web",
      generatedAt: "2026-01-02T00:00:00Z",
      complete: true,
      host: "github.com",
      findings: web.findings,
      totals: web.totals,
      digestUrl: "https://github.com/acme/app/issues/4",
      fingerprintLength: web.fingerprintLength,
    });
    expect(web.fingerprintLength).toBe(shortFingerprintLength(all));
    expect(body).toContain("`abcdef0124`");
    expect(body).toContain("`9999999911`");
    expect(body).not.toContain("src/a.ts");
  });
});
