import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";
import type { DigestHit } from "./digest-finding.js";

/**
 * The artifact's hits as the digest keeps them. Every text taken from the artifact (path,
 * pattern, rule id, snippet) is secret-scrubbed here, before it is stored, so the database
 * never holds a secret; fingerprints were computed from the hits as reported. The commit SHA
 * is known only for hits in the scanned repository (`source`).
 */
export function toDigestHits(artifact: ConsumerArtifact, hits: readonly FingerprintedHit<Hit>[]): DigestHit[] {
  const source = artifact.source;
  return hits.map(({ hit, fingerprint }) => ({
    fingerprint,
    repo: hit.repo,
    path: scrubSecrets(hit.path),
    line: hit.line_number,
    pattern: scrubSecrets(hit.pattern),
    severity: hit.severity,
    ...(hit.snippet !== undefined ? { snippet: scrubSecrets(hit.snippet) } : {}),
    ...(hit.rule_id !== undefined ? { ruleId: scrubSecrets(hit.rule_id) } : {}),
    ...(source?.sha && source.repository.toLowerCase() === hit.repo.toLowerCase() ? { sha: source.sha } : {}),
  }));
}
