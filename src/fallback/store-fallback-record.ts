import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import type { Database } from "../db/database.js";
import type { DigestKey } from "../digest/digest-store.js";
import { writeFallbackFile } from "./fallback-file.js";
import { fallbackHits } from "./fallback-hits.js";
import type { FallbackReason, FallbackRecord } from "./fallback-record.js";
import { savePendingFallback } from "./fallback-store.js";
import { redactArtifact } from "./redact-artifact.js";
import { renderFirstDigest } from "../digest/render-first-digest.js";

export interface StoreFallbackInput {
  db: Database;
  /** `FALLBACK_DIR`: when set, the record is also written there as one JSON file. */
  fallbackDir: string | undefined;
  /** Host of links in the rendered digest. */
  host: string;
  key: DigestKey;
  /** Where GitHub refused the write (the digest's home, as configured). */
  targetRepository: string;
  runRepository: string;
  headSha: string;
  reason: FallbackReason;
  /** The artifact and its fingerprinted hits as validated: redacted here, never stored as they are. */
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  /** The home's configuration: title, suppressions and `fallback.ttl_days`. */
  repoConfig: RepoConfig;
  fullListHint: string;
}

/**
 * Keeps the findings of a digest the app may not file, in one transaction: the artifact with
 * every snippet `<REDACTED>` and every other string scrubbed, the fingerprints of the hits as
 * reported, the digest title and body rendered from the redacted data, and the reason, until
 * `fallback.ttl_days` from now. A pending record of the same digest is updated, not copied.
 * With `FALLBACK_DIR`, the record is written there too once the transaction committed, so a
 * file always belongs to a record the database holds (one written before the commit would stay
 * behind, an orphan beside its retry's file, when the process dies before committing). A failed
 * file write fails the job, whose retry updates the same record and writes its file again; a
 * process that dies between the commit and the file leaves it to the next start-up
 * (`writeMissingFallbackFiles`).
 */
export async function storeFallbackRecord(input: StoreFallbackInput): Promise<FallbackRecord> {
  const artifact = redactArtifact(input.artifact);
  const fingerprints = input.hits.map((h) => h.fingerprint);
  // Rendered as a first digest from the redacted artifact: no snippet and no secret is in it.
  const digest = renderFirstDigest({
    artifact,
    hits: fallbackHits({ artifact, fingerprints }),
    repoConfig: input.repoConfig,
    host: input.host,
    fullListHint: scrubSecrets(input.fullListHint),
    now: new Date(),
  });
  const record = await input.db.transaction((tx) =>
    savePendingFallback(tx, {
      key: input.key,
      targetRepository: input.targetRepository,
      runRepository: input.runRepository,
      headSha: input.headSha,
      reason: { ...input.reason, message: scrubSecrets(input.reason.message) },
      generatedAt: artifact.generated_at,
      artifact,
      fingerprints,
      digest: { title: digest.title, body: digest.body },
      ttlDays: input.repoConfig.fallback.ttl_days,
    }),
  );
  if (input.fallbackDir !== undefined) await writeFallbackFile({ dir: input.fallbackDir, record });
  return record;
}
