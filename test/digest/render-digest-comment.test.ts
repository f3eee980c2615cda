import { describe, expect, it } from "vitest";
import type { DigestFinding } from "../../src/digest/digest-finding.js";
import { renderAllResolvedComment, renderNewFindingsComment } from "../../src/digest/render-digest-comment.js";
import { markdownRegions } from "../support/markdown-regions.js";

const FAKE_TOKEN = "xox" + "b-" + "1234567890-" + "Ab9".repeat(8);

function finding(i: number, overrides: Partial<DigestFinding> = {}): DigestFinding {
  return {
    fingerprint: `fp${i}`,
    repo: "octo/app",
    path: `src/f${i}.ts`,
    line: i + 1,
    pattern: "legacy-api",
    severity: "high",
    snippet: `slack("${FAKE_TOKEN}") // @octocat #12`,
    sha: "0123456789abcdef0123456789abcdef01234567",
    status: "new",
    firstSeenAt: "2024-05-01T00:00:00Z",
    ...overrides,
  };
}

describe("digest comments", () => {
  it("announces new findings with the top five, most serious first, scrubbed, mentions only in code", () => {
    const top = Array.from({ length: 8 }, (_, i) => finding(i, { severity: i === 6 ? "critical" : "low" }));
    const text = renderNewFindingsComment({ count: 12, top, reopened: false, host: "github.com" });
    expect(text.startsWith("**12 new findings** since the last update.")).toBe(true);
    expect(text.match(/^- \*\*/gm)).toHaveLength(5);
    expect(text.indexOf("**critical**")).toBeLessThan(text.indexOf("**low**"));
    expect(text).toContain("…and 7 more");
    expect(text).toContain("/blob/0123456789abcdef0123456789abcdef01234567/src/f6.ts#L7");
    expect(text).not.toContain(FAKE_TOKEN);
    expect(text).toContain("[REDACTED:slack-token]");
    const regions = markdownRegions(text);
    expect(regions.text.join("\n")).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/m);
    expect(regions.text.join("\n")).not.toMatch(/#[0-9]/);
    // Artifact text is shown in code spans only, where GitHub links nothing: no invisible characters.
    expect(text).not.toContain("\u200B");
    expect(regions.code).toContain('slack("[REDACTED:slack-token]") // @octocat #12');
  });

  it("links no location whose path holds a secret", () => {
    const text = renderNewFindingsComment({ count: 1, top: [finding(1, { path: `env/${FAKE_TOKEN}` })], reopened: false, host: "github.com" });
    expect(text).not.toContain(FAKE_TOKEN);
    expect(text).toContain("`env/[REDACTED:slack-token]:2`");
    expect(text).not.toContain("/blob/");
  });

  it("says why a closed digest is reopened", () => {
    const text = renderNewFindingsComment({ count: 1, top: [finding(1)], reopened: true });
    expect(text).toContain("Reopening this digest: **1 new finding** appeared since it was closed.");
    expect(text).not.toContain("more");
  });

  it("stays short whatever the findings hold", () => {
    const huge = finding(1, { path: "p/".repeat(512), pattern: "x".repeat(256), snippet: "`".repeat(2_000), ruleId: "r".repeat(500) });
    const text = renderNewFindingsComment({ count: 100_000, top: Array(50).fill(huge), reopened: true, host: "github.com" });
    expect(text.length).toBeLessThan(10_000);
  });

  it("announces that everything is resolved", () => {
    expect(renderAllResolvedComment({ resolved: 3 })).toContain("3 findings were resolved since the last update");
    expect(renderAllResolvedComment({ resolved: 1 })).toContain("1 finding was resolved");
    expect(renderAllResolvedComment({ resolved: 0 })).not.toContain("0 ");
  });
});
