import { describe, expect, it } from "vitest";
import { fingerprintHits } from "../../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { toDigestHits } from "../../src/digest/to-digest-hits.js";
import { artifactFixture, hit } from "../support/artifact-fixtures.js";

// Assembled at run time: no token-shaped literal in the repository.
const TOKEN = "ghp_" + "Hq2".repeat(12);
const ACCOUNT_KEY = "AccountKey=" + "Qm9v".repeat(22) + "==";

describe("toDigestHits", () => {
  it("stores path, pattern, rule id and snippet scrubbed, and keeps the fingerprint of the hit as reported", () => {
    const raw = hit({
      repo: "acme/app",
      path: `deploy/${TOKEN}/values.yaml`,
      line_number: 4,
      pattern: `storage ${ACCOUNT_KEY}`,
      rule_id: `rule-${TOKEN}`,
      snippet: `connection: "${ACCOUNT_KEY}"`,
    });
    const parsed = parseArtifact(JSON.stringify(artifactFixture({ org_unregistered_hits: [raw] })));
    if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
    const fingerprinted = fingerprintHits(parsed.artifact.org_unregistered_hits);
    const [stored] = toDigestHits(parsed.artifact, fingerprinted);

    expect(stored).toMatchObject({
      path: "deploy/[REDACTED:github-token]/values.yaml",
      pattern: "storage AccountKey=[REDACTED:azure-storage-key]",
      ruleId: "rule-[REDACTED:github-token]",
      snippet: 'connection: "AccountKey=[REDACTED:azure-storage-key]"',
      line: 4,
      repo: "acme/app",
    });
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    expect(JSON.stringify(stored)).not.toContain("Qm9v");
    expect(stored!.fingerprint).toBe(fingerprinted[0]!.fingerprint);
  });
});
