import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { Queryable } from "../db/database.js";
import { ruleApplies, type SuppressionRule } from "./compute-digest-state.js";
import { loadDigestSuppressions } from "./digest-suppressions.js";
import type { DigestKey } from "./digest-store.js";
import { toDigestHits } from "./to-digest-hits.js";

/**
 * The fingerprints of an artifact's findings that a digest suppresses now: dismissed or muted
 * by command for this digest, or matched by the home configuration's `suppressions`. The same
 * rules and matching as the digest's own update, applied to the hits themselves, so the answer
 * holds whether the digest was just patched, left unchanged or could not be filed.
 */
export async function suppressedFingerprints({
  conn,
  key,
  artifact,
  hits,
  configured,
  now,
}: {
  conn: Queryable;
  key: DigestKey;
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  /** The home configuration's `suppressions`. */
  configured: readonly SuppressionRule[];
  now: Date;
}): Promise<Set<string>> {
  const rules = [...(await loadDigestSuppressions(conn, key)), ...configured];
  const nowMs = now.getTime();
  const suppressed = new Set<string>();
  if (rules.length === 0) return suppressed;
  for (const hit of toDigestHits(artifact, hits)) {
    if (rules.some((rule) => ruleApplies(rule, hit, nowMs))) suppressed.add(hit.fingerprint);
  }
  return suppressed;
}
