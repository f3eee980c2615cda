import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { computeDigestState } from "../digest/compute-digest-state.js";
import { renderDigest, type RenderedDigest } from "../digest/render-digest.js";
import { toDigestHits } from "../digest/to-digest-hits.js";

/**
 * The digest title and body a fallback record keeps: rendered, as a first digest, from the
 * redacted artifact (so no snippet and no secret is in it), with the home's title and
 * suppressions.
 */
export function renderFallbackDigest({
  artifact,
  hits,
  repoConfig,
  host,
  fullListHint,
  now,
}: {
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  repoConfig: Pick<RepoConfig, "digest" | "suppressions">;
  host: string;
  fullListHint: string;
  now: Date;
}): RenderedDigest {
  const state = computeDigestState({
    previous: [],
    hits: toDigestHits(artifact, hits),
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
    fullListHint,
  });
}
