import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import { fingerprintHits, type FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { computeDigestState } from "./compute-digest-state.js";
import { renderDigest, type RenderedDigest } from "./render-digest.js";
import { toDigestHits } from "./to-digest-hits.js";

/**
 * The digest issue the app would file for this artifact as the first one for its audit_id:
 * the same diff and renderer the app runs, with no earlier state. `audit-digest render` prints it,
 * and a fallback record keeps it (from its redacted artifact, with the original `hits`).
 */
export function renderFirstDigest({
  artifact,
  hits = fingerprintHits(artifact.org_unregistered_hits),
  repoConfig,
  host,
  fullListHint,
  now = new Date(),
}: {
  artifact: ConsumerArtifact;
  /** The artifact's findings with their fingerprints; computed from the artifact when omitted. */
  hits?: readonly FingerprintedHit<Hit>[];
  repoConfig: Pick<RepoConfig, "digest" | "suppressions">;
  host: string;
  /** Where the full list of findings is when the body cannot hold it. */
  fullListHint?: string;
  now?: Date;
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
    ...(fullListHint === undefined ? {} : { fullListHint }),
  });
}
