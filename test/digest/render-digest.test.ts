import { describe, expect, it } from "vitest";
import type { DigestFinding, DigestSeverity } from "../../src/digest/digest-finding.js";
import { parseDigestMarker } from "../../src/digest/digest-marker.js";
import type { DigestView } from "../../src/digest/render-digest.js";
import { renderDigest } from "../../src/digest/render-digest.js";
import { markdownRegions } from "../support/markdown-regions.js";

const SEVERITIES: DigestSeverity[] = ["low", "medium", "high", "critical"];
const SHA = "0123456789abcdef0123456789abcdef01234567";
// Assembled at run time: no token-shaped literal in the repository.
const FAKE_TOKEN = "ghp_" + "Zq4".repeat(12);

function finding(i: number, status: DigestFinding["status"], overrides: Partial<DigestFinding> = {}): DigestFinding {
  return {
    fingerprint: `fp-${String(i).padStart(6, "0")}`,
    repo: `octo/repo-${i % 7}`,
    path: `src/module-${i}.ts`,
    line: (i % 300) + 1,
    pattern: `pattern-${i % 3}`,
    severity: SEVERITIES[i % 4]!,
    snippet: `legacyCall(${i})`,
    sha: SHA,
    status,
    firstSeenAt: "2024-05-01T00:00:00Z",
    ...overrides,
  };
}

function totalsOf(findings: readonly DigestFinding[]): DigestView["totals"] {
  const count = (s: DigestFinding["status"]) => findings.filter((f) => f.status === s).length;
  return { open: count("new") + count("open"), new: count("new"), resolved: count("resolved"), suppressed: count("suppressed") };
}

function view(findings: DigestFinding[], extra: Partial<DigestView> = {}): DigestView {
  return {
    auditId: "nightly-scan",
    generatedAt: "2024-05-02T03:04:05Z",
    complete: true,
    host: "github.com",
    findings,
    totals: totalsOf(findings),
    fullListHint: "the check run https://github.com/octo/app/runs/42",
    ...extra,
  };
}

/** Something GitHub would render as a ping or a cross-reference. */
const MENTION = /(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/m;
const REFERENCE = /(?:^|[^A-Za-z0-9_&])#[0-9]|GH-[0-9]/im;

/** A body's text outside fenced code blocks, to check the layout around them. */
function outsideFences(body: string): string[] {
  const lines = body.split("\n");
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const match = /^ *(`{3,})\s*$/.exec(line);
    if (fence === undefined && match) {
      fence = match[1];
    } else if (fence !== undefined && match && match[1]!.length >= fence.length) {
      fence = undefined;
    } else if (fence === undefined) {
      out.push(line);
    }
  }
  expect(fence, "every fence is closed").toBeUndefined();
  return out;
}

function bigView(n: number, snippetLength: number, pathLength: number, newShare: number): DigestView {
  const findings: DigestFinding[] = [];
  const snippetUnit = `x = call(@octocat, #12, ${FAKE_TOKEN}) \`\`\` </details> `;
  const snippet = snippetUnit.repeat(Math.ceil(snippetLength / snippetUnit.length)).slice(0, snippetLength);
  for (let i = 0; i < n; i++) {
    const r = i % 10;
    const status = r < newShare ? "new" : r < 8 ? "open" : r === 8 ? "resolved" : "suppressed";
    const path = `${"deep/".repeat(Math.ceil(pathLength / 5))}`.slice(0, pathLength - 10) + `/f${String(i).padStart(6, "0")}.ts`;
    findings.push(
      finding(i, status, {
        repo: `org/repo-${i % 997}`,
        path: path.slice(-pathLength),
        snippet,
        suppressedReason: status === "suppressed" ? "accepted by @security #7" : undefined,
      }),
    );
  }
  return view(findings);
}

describe("renderDigest", () => {
  it("starts with the marker, which parses back, and ends with a footer naming the audit_id", () => {
    const { body, title } = renderDigest(view([finding(1, "new")]));
    expect(body.startsWith("<!-- audit-digest:v1 audit_id=nightly-scan -->\n")).toBe(true);
    expect(parseDigestMarker(body)).toEqual({ version: 1, auditId: "nightly-scan" });
    expect(body.trimEnd().endsWith("<sub>audit-digest · audit_id: `nightly-scan`</sub>")).toBe(true);
    expect(title).toBe("Audit digest: nightly-scan");
  });

  it("fills the title template and keeps the title within GitHub's limit", () => {
    expect(renderDigest(view([], { title: "[{audit_id}] findings for {audit_id}" })).title).toBe(
      "[nightly-scan] findings for nightly-scan",
    );
    expect(renderDigest(view([], { title: "x".repeat(1000) })).title.length).toBeLessThanOrEqual(256);
    expect(renderDigest(view([], { title: "ping @team about #1" })).title).not.toMatch(MENTION);
  });

  it("puts the most important content first: totals, table, new, per repository, resolved", () => {
    const findings = [finding(1, "new"), finding(2, "open"), finding(3, "resolved"), finding(4, "suppressed")];
    const { body } = renderDigest(view(findings, { notices: ["Storm breaker: filed the digest only."] }));
    const order = [
      "<!-- audit-digest:v1",
      "Storm breaker",
      "**Open: 2** · **New since last update: 1** · **Resolved: 1** · **Suppressed: 1**",
      "### Open findings by repository and severity",
      "### New since last update (1)",
      "### Open findings by repository and pattern",
      "### Suppressed (1)",
      "### Resolved since last update (1)",
      "<sub>audit-digest",
    ].map((s) => body.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("counts open findings by repository and severity", () => {
    const findings = [
      finding(0, "new", { repo: "a/x", severity: "critical" }),
      finding(1, "open", { repo: "a/x", severity: "critical" }),
      finding(2, "open", { repo: "a/x", severity: "low" }),
      finding(3, "open", { repo: "b/y", severity: "high" }),
      finding(4, "resolved", { repo: "b/y", severity: "high" }),
    ];
    const { body } = renderDigest(view(findings));
    expect(body).toContain("| `a/x` | 2 | 0 | 0 | 1 | 3 |");
    expect(body).toContain("| `b/y` | 0 | 1 | 0 | 0 | 1 |");
  });

  it("links to the blob at the finding's commit and line, and shows the path without a link when the SHA is unknown", () => {
    const { body } = renderDigest(
      view([finding(1, "new", { path: "src/a b(1).ts", line: 17 }), finding(2, "new", { sha: undefined, path: "lib/no-sha.ts" })]),
    );
    expect(body).toContain(`(https://github.com/octo/repo-1/blob/${SHA}/src/a%20b%281%29.ts#L17)`);
    expect(body).toContain("`lib/no-sha.ts:3`");
    expect(body).not.toContain("blob/undefined");
  });

  it("links per-repository issues from the table", () => {
    const { body } = renderDigest(
      view([finding(1, "open")], { perRepoIssues: [{ repo: "octo/repo-1", issueNumber: 9, url: "https://github.com/octo/repo-1/issues/9" }] }),
    );
    expect(body).toContain("[issue](https://github.com/octo/repo-1/issues/9)");
  });

  it("scrubs secrets and neutralises mentions and references everywhere", () => {
    const findings = [
      finding(1, "new", {
        snippet: `token = "${FAKE_TOKEN}" // ask @octocat, see #123 and GH-9 and octo/app#4`,
        path: "docs/@alice/#1.md",
        pattern: "@org/team",
        ruleId: "rule-#5",
      }),
      finding(2, "suppressed", { suppressedReason: "approved by @bob in #77" }),
      finding(3, "resolved", { pattern: "ping @carol" }),
    ];
    const { body } = renderDigest(view(findings, { notices: ["cc @dave about #8"], fullListHint: "ask @erin" }));
    expect(body).not.toContain(FAKE_TOKEN);
    expect(body).toContain("[REDACTED:");
    const { text, code } = markdownRegions(body);
    // GitHub links mentions and references in text only: text is neutralised ...
    expect(text.join("\n")).not.toMatch(MENTION);
    expect(text.join("\n")).not.toMatch(REFERENCE);
    expect(body).toContain("approved by \\@\u200Bbob in \\#\u200B77");
    expect(body).toContain("cc @\u200Bdave about #\u200B8");
    // ... and code keeps its exact characters, with no invisible ones.
    expect(code.join("\n")).not.toContain("\u200B");
    expect(code).toContain("@org/team");
    expect(code).toContain("docs/@alice/#1.md:2");
    expect(code).toContain("rule-#5");
    expect(code).toContain(`  token = "[REDACTED:github-token]" // ask @octocat, see #123 and GH-9 and octo/app#4`);
    expect(code).toContain("ping @carol");
  });

  it("puts no zero-width character inside code blocks, code spans or <code>", () => {
    const findings = [
      finding(1, "new", { snippet: "@here #1 GH-2 a@b", pattern: "@team", ruleId: "#3" }),
      finding(2, "open", { snippet: "notify(@ops, #4)", pattern: "@team" }),
      finding(3, "resolved", { path: "x/@y/#5.ts", pattern: "#6" }),
    ];
    const { body } = renderDigest(view(findings));
    const { code } = markdownRegions(body);
    expect(code.length).toBeGreaterThan(10);
    expect(code.join("\n")).not.toContain("\u200B");
    expect(body).not.toContain("\u200B");
    expect(code).toContain("  @here #1 GH-2 a@b");
    expect(code).toContain("@team");
  });

  it("links no location whose path or repository holds a secret, and keeps the text redacted", () => {
    const findings = [
      finding(1, "new", { path: `config/${FAKE_TOKEN}.env` }),
      finding(2, "open", { path: "config/[REDACTED:github-token].env" }),
      finding(3, "open", { path: "src/clean.ts" }),
    ];
    const { body } = renderDigest(view(findings));
    expect(body).not.toContain(FAKE_TOKEN);
    expect(body).not.toContain("REDACTED%3A");
    expect(body).not.toMatch(/\]\(https:\/\/github\.com\/octo\/repo-[12]\//);
    expect(body).toContain("`config/[REDACTED:github-token].env:2`");
    expect(body).toContain(`(https://github.com/octo/repo-3/blob/${SHA}/src/clean.ts#L4)`);
  });

  it("keeps snippets with backticks, fences and </details> inside their code block", () => {
    const nasty = "a ` b `` c\n```\n</details>\n\n<details><summary>x</summary>\n````````\n# heading\n- item";
    const findings = [finding(1, "new", { snippet: nasty }), finding(2, "open", { snippet: nasty })];
    const { body } = renderDigest(view(findings));
    const outside = outsideFences(body);
    // Only our own <details> blocks (one per repository and pattern) remain outside code.
    const opens = outside.filter((l) => l.includes("<details>")).length;
    const closes = outside.filter((l) => l.includes("</details>")).length;
    expect(opens).toBe(2);
    expect(closes).toBe(2);
    expect(outside.some((l) => l.startsWith("# heading"))).toBe(false);
    // The snippet text itself is all there, inside a fence longer than its longest backtick run.
    expect(body).toContain("`````````\n  a ` b `` c\n");
  });

  it("keeps inline code spans closed whatever the path or pattern holds", () => {
    const { body } = renderDigest(view([finding(1, "new", { path: "src/`odd``name`.ts", pattern: "p|with|pipes`" })]));
    expect(body).toContain("```src/`odd``name`.ts:2```");
    expect(body).toContain("`` p|with|pipes` ``");
  });

  it("renders byte-identical bodies for the same input, whatever the input order", () => {
    const findings = Array.from({ length: 300 }, (_, i) => finding(i, i % 5 === 0 ? "new" : i % 7 === 0 ? "resolved" : "open"));
    const first = renderDigest(view(findings));
    const second = renderDigest(view([...findings].reverse()));
    expect(second.body).toBe(first.body);
    expect(second.title).toBe(first.title);
  });

  it("lists findings by severity, repository, path, line and fingerprint", () => {
    const findings = [
      finding(1, "new", { severity: "low", repo: "a/a", path: "x" }),
      finding(2, "new", { severity: "critical", repo: "b/b", path: "y" }),
      finding(3, "new", { severity: "critical", repo: "a/a", path: "z", line: 9 }),
      finding(4, "new", { severity: "critical", repo: "a/a", path: "z", line: 2 }),
    ];
    const { body } = renderDigest(view(findings));
    const newSection = body.slice(body.indexOf("### New"), body.indexOf("### Open findings by repository and pattern"));
    const at = (s: string) => newSection.indexOf(s);
    expect(at("`z:2`")).toBeLessThan(at("`z:9`"));
    expect(at("`z:9`")).toBeLessThan(at("`y:3`"));
    expect(at("`y:3`")).toBeLessThan(at("`x:2`"));
  });

  it("warns about a partial scan", () => {
    expect(renderDigest(view([finding(1, "open")], { complete: false })).body).toContain("**Partial scan.**");
    expect(renderDigest(view([finding(1, "open")])).body).not.toContain("Partial scan");
  });

  it("says when nothing is open", () => {
    expect(renderDigest(view([finding(1, "resolved")])).body).toContain("No open findings.");
  });

  it("refuses a host that is not a host name and a budget below the minimum", () => {
    expect(() => renderDigest(view([], { host: "evil.com/x?" }))).toThrow(/host/);
    expect(() => renderDigest(view([], { budget: 500 }))).toThrow(/budget/);
  });

  describe("size budget", () => {
    it("keeps 100,000 findings with long snippets and paths within 60,000 characters and states the exact omitted count", () => {
      const v = bigView(100_000, 2_000, 1_024, 1);
      const { body, omitted } = renderDigest(v);
      expect(body.length).toBeLessThanOrEqual(60_000);
      expect(body.length).toBeGreaterThan(50_000);
      expect(parseDigestMarker(body)).toEqual({ version: 1, auditId: "nightly-scan" });
      expect(body.trimEnd().endsWith("</sub>")).toBe(true);

      // Count what is listed: every listed finding's file name appears in the body.
      const listed = new Set(body.match(/f[0-9]{6}\.ts/g) ?? []);
      expect(omitted).toBe(100_000 - listed.size);
      expect(omitted).toBeGreaterThan(0);
      expect(body).toContain(`**${omitted.toLocaleString("en-US")} findings are not shown here**`);
      expect(body).toContain("Full list: the check run https://github.com/octo/app/runs/42");
      expect(body).not.toContain(FAKE_TOKEN.slice(0, 12));
      const { text, code } = markdownRegions(body);
      expect(text.join("\n")).not.toMatch(MENTION);
      expect(code.join("\n")).not.toContain("\u200B");
      outsideFences(body);
    });

    it("stays within any budget for many shapes of input", () => {
      for (const [n, snippet, path, newShare] of [
        [100_000, 2_000, 1_024, 8],
        [100_000, 10, 20, 0],
        [5_000, 2_000, 1_024, 0],
        [300, 2_000, 1_024, 3],
        [40, 300, 50, 2],
      ] as const) {
        for (const budget of [10_000, 25_000, 60_000]) {
          const v = { ...bigView(n, snippet, path, newShare), budget };
          const { body, omitted } = renderDigest(v);
          expect(body.length, `${n} findings, budget ${budget}`).toBeLessThanOrEqual(budget);
          const listed = new Set(body.match(/f[0-9]{6}\.ts/g) ?? []);
          expect(omitted).toBe(n - listed.size);
          if (omitted === 0) expect(body).not.toContain("not shown here");
        }
      }
    });

    it("cuts the resolved list first, then per-repository details, then snippet length, then new findings", () => {
      const findings = [
        ...Array.from({ length: 30 }, (_, i) => finding(i, "new", { snippet: "n".repeat(1_500) })),
        ...Array.from({ length: 40 }, (_, i) => finding(100 + i, "open", { snippet: "o".repeat(100) })),
        ...Array.from({ length: 400 }, (_, i) => finding(1_000 + i, "resolved")),
      ];
      const budgets = [200_000, 80_000, 55_000, 25_000, 10_000];
      const [all, noResolved, partialDetails, shortSnippets, truncated] = budgets.map((budget) =>
        renderDigest(view(findings, { budget })),
      );
      const breakdown = (body: string) => /not shown here\*\* \(([^)]*)\)/.exec(body)?.[1] ?? "";
      const perRepoListed = (body: string) => (body.match(/^- \*\*\w+\*\* · \[/gm) ?? []).length;

      // Everything fits.
      expect(all!.omitted).toBe(0);
      expect(all!.body).toContain("### Resolved since last update (400)");
      // The resolved list goes first; new findings and per-repository details are complete.
      expect(noResolved!.body).toContain("n".repeat(1_500));
      expect(perRepoListed(noResolved!.body)).toBe(70);
      expect(noResolved!.omitted).toBeGreaterThan(0);
      expect(breakdown(noResolved!.body)).toMatch(/^\d+ resolved$/);
      // Then per-repository details; new findings keep full snippets, nothing resolved is listed.
      expect(partialDetails!.body).toContain("n".repeat(1_500));
      expect(perRepoListed(partialDetails!.body)).toBeLessThan(70);
      expect(partialDetails!.body).not.toContain("### Resolved");
      expect(breakdown(partialDetails!.body)).toMatch(/^\d+ open, 400 resolved$/);
      // Then snippets are shortened, with every new finding still listed.
      expect(shortSnippets!.body).not.toContain("n".repeat(1_500));
      expect(shortSnippets!.body).toContain("n".repeat(100));
      expect(shortSnippets!.body).not.toContain("more new findings not shown");
      // Finally the new findings are truncated, and nothing below them is listed.
      expect(truncated!.body).toContain("more new findings not shown");
      expect(truncated!.body).not.toContain("### Open findings by repository and pattern");
      expect(truncated!.body).not.toContain("### Resolved");
      [all, noResolved, partialDetails, shortSnippets, truncated].forEach((r, i) => {
        expect(r!.body.length).toBeLessThanOrEqual(budgets[i]!);
      });
    });
  });
});
