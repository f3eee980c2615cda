import { describe, expect, it } from "vitest";
import type { ArtifactError } from "../../src/artifact/artifact-error.js";
import { fingerprintHits } from "../../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { renderCheckOutput } from "../../src/checks/render-check-output.js";
import { artifactFixture, hit } from "../support/artifact-fixtures.js";

const LIMIT = 65_535;

describe("renderCheckOutput", () => {
  it("keeps summary and text under GitHub's limit with thousands of repositories", () => {
    const hits = Array.from({ length: 5_000 }, (_, i) => hit({ repo: `acme/repository-with-a-long-name-${i}`, path: "a.ts", line_number: 1, pattern: "p" }));
    const parsed = parseArtifact(JSON.stringify(artifactFixture({ org_unregistered_hits: hits })));
    if (!parsed.ok) throw new Error("fixture invalid");
    const output = renderCheckOutput({
      kind: "valid",
      checked: { verdict: "valid", artifact: parsed.artifact, hits: fingerprintHits(parsed.artifact.org_unregistered_hits), warnings: [], signature: "unsigned", sha256: "0" },
    });
    expect(output.conclusion).toBe("success");
    expect(output.title).toBe("5,000 findings in 5,000 repositories");
    expect(output.summary.length).toBeLessThanOrEqual(LIMIT);
    expect(output.summary).toContain("… 4,700 more repositories");
  });

  it("lists errors with their paths, bounded, and says how many more there are", () => {
    const errors: ArtifactError[] = Array.from({ length: 5_000 }, (_, i) => ({
      path: `org_unregistered_hits[${i}].path`,
      code: "schema",
      message: "expected a relative path (no leading '/' or drive letter)".repeat(5),
    }));
    const output = renderCheckOutput({ kind: "invalid", errors });
    expect(output.conclusion).toBe("failure");
    expect(output.summary).toContain("`org_unregistered_hits[0].path`");
    expect(output.text!.length).toBeLessThanOrEqual(LIMIT);
    expect(output.text).toMatch(/and 4,800 more errors|output cut at 60,000 characters/);
  });

  it("scrubs what it shows from the artifact: tool, repositories, unknown field names and error texts", () => {
    // Assembled at run time: no token-shaped literal in the repository.
    const token = "ghp_" + "Tt6".repeat(12);
    const parsed = parseArtifact(
      JSON.stringify(artifactFixture({ tool: { name: `scanner ${token}`, version: "1" }, [`x_${token}`]: true })),
    );
    if (!parsed.ok) throw new Error("fixture invalid");
    const valid = renderCheckOutput({
      kind: "valid",
      checked: {
        verdict: "valid",
        artifact: parsed.artifact,
        hits: fingerprintHits(parsed.artifact.org_unregistered_hits),
        warnings: parsed.warnings,
        signature: "unsigned",
        sha256: "0",
      },
    });
    expect(valid.summary).toContain("`scanner [REDACTED:github-token] 1`");
    expect(valid.text).toContain("x_[REDACTED:github-token]");
    const invalid = renderCheckOutput({ kind: "invalid", errors: [{ path: `a.${token}`, code: "schema", message: `got ${token}` }] });
    const signature = renderCheckOutput({ kind: "signature_invalid", error: `key ${token} unknown` });
    for (const output of [valid, invalid, signature]) {
      expect(JSON.stringify(output)).not.toContain(token);
    }
  });
});
