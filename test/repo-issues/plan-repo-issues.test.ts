import { describe, expect, it } from "vitest";
import type { DigestFinding } from "../../src/digest/digest-finding.js";
import { planRepoIssues, type RepoIssuePlanInput } from "../../src/repo-issues/plan-repo-issues.js";
import type { RepoIssueRecord } from "../../src/repo-issues/repo-issue-store.js";

function finding(repo: string, n: number, status: DigestFinding["status"], extra: Partial<DigestFinding> = {}): DigestFinding {
  return { fingerprint: `${repo}-${n}`, repo, path: `f${n}.ts`, line: n, pattern: "p", severity: "medium", status, firstSeenAt: "2026-01-01T00:00:00Z", ...extra };
}

const base = { complete: true, auditId: "a1", digestUrl: "https://github.com/acme/app/issues/1" };
const plan = (findings: DigestFinding[], records: Map<string, RepoIssueRecord> = new Map(), extra: Partial<RepoIssuePlanInput> = {}) =>
  planRepoIssues({ ...base, findings, records, ...extra });
const record = (repository: string, contentSha256: string, state: "open" | "closed" = "open"): RepoIssueRecord => ({ repository, issueNumber: 7, contentSha256, state });

describe("planRepoIssues", () => {
  it("creates an issue for each repository with open findings, and none for repositories with only suppressed ones", () => {
    const plans = plan([finding("acme/web", 1, "new"), finding("acme/app", 2, "open"), finding("acme/app", 3, "new"), finding("acme/doc", 4, "suppressed")]);
    expect(plans.map((p) => [p.repo, p.action, p.totals])).toEqual([
      ["acme/app", "create", { open: 2, new: 1, resolved: 0, suppressed: 0 }],
      ["acme/web", "create", { open: 1, new: 1, resolved: 0, suppressed: 0 }],
    ]);
  });

  it("leaves a repository unchanged when what it shows did not change, even when its findings are no longer new", () => {
    const [first] = plan([finding("acme/web", 1, "new")]);
    const records = new Map([["acme/web", record("acme/web", first!.contentSha256)]]);
    expect(plan([finding("acme/web", 1, "open")], records)[0]!.action).toBe("unchanged");
    expect(plan([finding("acme/web", 1, "open", { line: 9 })], records)[0]!.action).toBe("update");
    expect(plan([finding("acme/web", 1, "open")], records, { digestUrl: "https://github.com/acme/app/issues/2" })[0]!.action).toBe("update");
  });

  it("groups repositories case-insensitively and keeps every spelling for the digest's links", () => {
    const [only, ...rest] = plan([finding("acme/Web", 1, "new"), finding("acme/web", 2, "new")]);
    expect(rest).toEqual([]);
    expect(only!.key).toBe("acme/web");
    expect(only!.spellings).toEqual(["acme/Web", "acme/web"]);
  });

  it("plans closing a recorded open issue when a complete scan shows nothing open there, and never on a partial scan", () => {
    const records = new Map([["acme/web", record("acme/web", "old")]]);
    const resolved = plan([finding("acme/web", 1, "resolved")], records)[0]!;
    expect([resolved.action, resolved.wantClosed]).toEqual(["update", true]);
    const absent = plan([], records)[0]!;
    expect([absent.repo, absent.action, absent.wantClosed]).toEqual(["acme/web", "update", true]);
    expect(plan([], records, { complete: false })).toEqual([]);
    expect(plan([], new Map([["acme/web", record("acme/web", "old", "closed")]]))).toEqual([]);
  });
});
