import type { ConsumerArtifact } from "../artifact/consumer-artifact-schema.js";
import { fingerprintHits } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { computeDigestState } from "./compute-digest-state.js";
import { renderDigest, type RenderedDigest } from "./render-digest.js";
import { toDigestHits } from "./to-digest-hits.js";

/**
 * The digest issue the app would file for this artifact as the first one for its audit_id:
 * the same diff and renderer the app runs, with no earlier state. `audit-digest render` prints it.
 */
export function renderFirstDigest({
  artifact,
  repoConfig,
  host,
  now = new Date(),
}: {
  artifact: ConsumerArtifact;
  repoConfig: Pick<RepoConfig, "digest" | "suppressions">;
  host: string;
  now?: Date;
}): RenderedDigest {
  const state = computeDigestState({
    previous: [],
    hits: toDigestHits(artifact, fingerprintHits(artifact.org_unregistered_hits)),
    suppressions: repoConfig.suppressions,
    complete: artifact.complete,
    now: now.toISOString(),
    generatedAt: artifact.generated_at,
  });
  return renderDigest({
    auditId: artifact.audit_id,
    title: repoConfig.digest.title,
    generatedAt: artifact.generated_at,
    complete: artifact.complete,
    host,
    findings: state.findings,
    totals: state.totals,
  });
}
