import { describe, expect, it } from "vitest";
import { formatDigestMarker, formatRepoIssueMarker, parseDigestMarker, parseRepoIssueMarker } from "../../src/digest/digest-marker.js";

describe("per-repository issue marker", () => {
  it("has the documented version 1 format and parses back", () => {
    const marker = formatRepoIssueMarker({ auditId: "org/scan:2024.1", repo: "acme/web.site" });
    expect(marker).toBe("<!-- audit-digest-repo:v1 audit_id=org/scan:2024.1 repo=acme/web.site -->");
    expect(parseRepoIssueMarker(`${marker}\n\nbody`)).toEqual({ version: 1, auditId: "org/scan:2024.1", repo: "acme/web.site" });
  });

  it("is never read as a digest marker, and a digest is never read as a per-repository issue", () => {
    const repoBody = `${formatRepoIssueMarker({ auditId: "a1", repo: "acme/web" })}\n\`\`\`\n${formatDigestMarker("a1")}\n\`\`\`\n`;
    expect(parseDigestMarker(repoBody)).toBeNull();
    expect(parseRepoIssueMarker(repoBody)).toEqual({ version: 1, auditId: "a1", repo: "acme/web" });
    const digestBody = `${formatDigestMarker("a1")}\n\`\`\`\n${formatRepoIssueMarker({ auditId: "a1", repo: "acme/web" })}\n\`\`\`\n`;
    expect(parseRepoIssueMarker(digestBody)).toBeNull();
    expect(parseDigestMarker(digestBody)).toEqual({ version: 1, auditId: "a1" });
  });

  it("reads later versions with extra attributes and refuses malformed ones", () => {
    expect(parseRepoIssueMarker("<!-- audit-digest-repo:v2 shard=1 repo=a/b audit_id=x -->")).toEqual({ version: 2, auditId: "x", repo: "a/b" });
    for (const body of ["<!-- audit-digest-repo:v1 audit_id=x -->", "<!-- audit-digest-repo:v1 repo=a/b -->", "<!-- audit-digest-repo:v1 audit_id=x repo=a/.. -->"]) {
      expect(parseRepoIssueMarker(body)).toBeNull();
    }
  });

  it("refuses a repository that is not owner/name", () => {
    for (const repo of ["", "acme", "acme/web -->", "-x/y", "a/b/c"]) {
      expect(() => formatRepoIssueMarker({ auditId: "a1", repo })).toThrow(/repository/);
    }
  });
});
