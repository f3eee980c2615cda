import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";
import { signArtifact } from "../../src/artifact/sign-artifact.js";
import { HMAC_KEYS } from "./app-harness.js";
import type { ArtifactRunFacts } from "./github-simulator/build-artifact-zip.js";

export interface HitFixture {
  repo: string;
  path: string;
  line_number: number;
  pattern: string;
  snippet?: string;
  severity?: "low" | "medium" | "high" | "critical";
  rule_id?: string;
}

/** A schema-valid consumer artifact; override any field. */
export function artifactFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    audit_id: "org-audit",
    generated_at: "2026-11-20T10:00:00Z",
    tool: { name: "audit-scanner", version: "3.1.0" },
    source: { repository: "acme/app", sha: "a".repeat(40), run_id: 1 },
    org_unregistered_hits: [
      hit({ repo: "acme/app", path: "src/pay.ts", line_number: 10, pattern: "payments-api", severity: "high" }),
      hit({ repo: "acme/app", path: "src/log.ts", line_number: 3, pattern: "logger", severity: "low" }),
      hit({ repo: "acme/web", path: "lib/x.js", line_number: 7, pattern: "payments-api", severity: "critical" }),
    ],
    ...overrides,
  };
}

export function hit(fields: Partial<HitFixture> & Pick<HitFixture, "repo" | "path" | "line_number" | "pattern">): HitFixture {
  return { snippet: `use(${fields.pattern})`, severity: "medium", ...fields };
}

/** Signs with key `k1` (or the given key id) of the test `AUDIT_HMAC_KEYS`. */
export function signed(document: Record<string, unknown>, keyId = "k1"): Record<string, unknown> {
  const keys = parseHmacKeys(HMAC_KEYS);
  if (!keys.ok) throw new Error(keys.errors.join("; "));
  const key = keys.keys.find((k) => k.id === keyId);
  if (!key) throw new Error(`no test key ${keyId}`);
  return signArtifact(document, key);
}

/**
 * The artifact as the producer of a run writes it: `source` names that run (repository, head
 * commit, run id), and it is signed with `k1` (or `keyId`) unless `sign` is false. Pass it as an
 * artifact's `json` to `createWorkflowRun`, which knows the run only once it exists.
 */
export function producedBy(
  document: Record<string, unknown> = artifactFixture(),
  { sign = true, keyId = "k1" }: { sign?: boolean; keyId?: string } = {},
): (run: ArtifactRunFacts) => Record<string, unknown> {
  return (run) => {
    const bound = { ...document, source: { ...(document.source as object | undefined), repository: run.repository, sha: run.headSha, run_id: run.runId } };
    return sign ? signed(bound, keyId) : bound;
  };
}
