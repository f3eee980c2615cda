import { canonicalJsonSha256 } from "../artifact/canonical-json-sha256.js";
import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import { computeDigestState, type DigestState, type DigestStateRow, type SuppressionRule } from "./compute-digest-state.js";
import { toDigestHits } from "./to-digest-hits.js";

/** What a digest records of the artifact it applied: the SHA-256 of its canonical JSON without the signature. */
export function digestContentSha256(artifact: ConsumerArtifact): string {
  const { signature: _signature, ...rest } = artifact as ConsumerArtifact & { signature?: unknown };
  return canonicalJsonSha256(rest);
}

/**
 * The digest's next state for a valid artifact: its hits as the digest keeps them (secret
 * scrubbed, `toDigestHits`) diffed against the stored rows (`computeDigestState`). The digest
 * hits are made inside this call and are garbage once it returns: only the state's rows and
 * findings outlive it.
 */
export function nextDigestState({
  artifact,
  hits,
  previous,
  suppressions,
  now,
}: {
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  previous: readonly DigestStateRow[];
  suppressions: readonly SuppressionRule[];
  now: Date;
}): DigestState {
  return computeDigestState({
    previous,
    hits: toDigestHits(artifact, hits),
    suppressions,
    complete: artifact.complete,
    now: now.toISOString(),
    generatedAt: artifact.generated_at,
  });
}
