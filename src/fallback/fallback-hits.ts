import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";

/**
 * The redacted artifact's hits with the fingerprints of the hits as reported, so that a digest
 * filed from a fallback record knows each finding by the same identity as an ingest of the
 * original artifact (a redacted snippet would otherwise change it).
 */
export function fallbackHits({ artifact, fingerprints }: { artifact: ConsumerArtifact; fingerprints: readonly string[] }): FingerprintedHit<Hit>[] {
  const hits = artifact.org_unregistered_hits;
  if (fingerprints.length !== hits.length) {
    throw new Error(`fallback record holds ${hits.length} hits but ${fingerprints.length} fingerprints`);
  }
  return hits.map((hit, i) => ({ hit, fingerprint: fingerprints[i]!, occurrence: 0 }));
}
