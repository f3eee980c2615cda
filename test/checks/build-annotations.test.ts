import { describe, expect, it } from "vitest";
import { fingerprintHits } from "../../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { buildAnnotations } from "../../src/checks/build-annotations.js";
import { artifactFixture, hit } from "../support/artifact-fixtures.js";

// Assembled at run time: no token-shaped literal in the repository.
const TOKEN = "ghp_" + "Ww8".repeat(12);
const SENDGRID = "SG." + "Ab1".repeat(8).slice(0, 22) + "." + "Cd2".repeat(15).slice(0, 43);

function hitsOf(hits: ReturnType<typeof hit>[]) {
  const parsed = parseArtifact(JSON.stringify(artifactFixture({ org_unregistered_hits: hits })));
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return fingerprintHits(parsed.artifact.org_unregistered_hits);
}

describe("buildAnnotations", () => {
  it("scrubs pattern, rule id and snippet in titles and messages", () => {
    const { annotations, withheld } = buildAnnotations({
      hits: hitsOf([
        hit({ repo: "acme/app", path: "src/mail.ts", line_number: 3, pattern: `sendgrid ${SENDGRID}`, rule_id: `r-${TOKEN}`, snippet: `key("${TOKEN}")` }),
      ]),
      repository: "acme/app",
      limit: 50,
    });
    expect(withheld).toBe(0);
    expect(annotations).toEqual([
      {
        path: "src/mail.ts",
        start_line: 3,
        end_line: 3,
        annotation_level: "warning",
        title: "medium: unregistered sendgrid [REDACTED:sendgrid-api-key]",
        message: 'Unregistered use of pattern "sendgrid [REDACTED:sendgrid-api-key]" (rule r-[REDACTED:github-token]).\n\nkey("[REDACTED:github-token]")',
      },
    ]);
  });

  it("withholds and counts findings whose path holds a secret, and still annotates the others up to the limit", () => {
    const { annotations, omitted, withheld } = buildAnnotations({
      hits: hitsOf([
        hit({ repo: "acme/app", path: `config/${TOKEN}.env`, line_number: 1, pattern: "p", severity: "critical" }),
        hit({ repo: "acme/app", path: "https://u:" + "pw@d@host.example/x", line_number: 2, pattern: "p", severity: "critical" }),
        hit({ repo: "acme/app", path: "a.ts", line_number: 1, pattern: "p" }),
        hit({ repo: "acme/app", path: "b.ts", line_number: 1, pattern: "p" }),
        hit({ repo: "acme/app", path: "c.ts", line_number: 1, pattern: "p" }),
        hit({ repo: "acme/web", path: `lib/${TOKEN}`, line_number: 1, pattern: "p" }),
      ]),
      repository: "acme/app",
      limit: 2,
    });
    expect(annotations.map((a) => a.path)).toEqual(["a.ts", "b.ts"]);
    expect(omitted).toBe(1);
    expect(withheld).toBe(2);
    expect(JSON.stringify(annotations)).not.toContain(TOKEN);
  });
});
