import type { ConsumerArtifact } from "../artifact/consumer-artifact-schema.js";
import type { PermissionCause } from "../github/classify-github-error.js";

/**
 * - `pending`: waiting to be filed;
 * - `redriven`: a re-drive filed (or updated) the digest from it;
 * - `superseded`: an ingest of the same or a newer artifact filed the digest first;
 * - `refused`: the home's configuration no longer accepts the run's repository as a producer.
 */
export type FallbackStatus = "pending" | "redriven" | "superseded" | "refused";

/** Why the digest could not be filed, as GitHub answered. */
export interface FallbackReason {
  cause: PermissionCause;
  status: number;
  /** GitHub's message, secret-scrubbed. */
  message: string;
}

/**
 * The redacted findings of a digest the app may not file, kept until `expiresAt`. It never
 * holds a snippet (each is `<REDACTED>`) or a secret (every other string is scrubbed).
 */
export interface FallbackRecord {
  id: number;
  installationId: number;
  /** Lower-cased `owner/name` of the digest's home. */
  home: string;
  auditId: string;
  /** The repository GitHub refused the write in. */
  targetRepository: string;
  /** The repository whose run produced the artifact (checked again against the home's producers). */
  runRepository: string;
  headSha: string;
  status: FallbackStatus;
  reason: FallbackReason;
  /** The artifact's `generated_at`: a newer failure replaces an older pending record, never the reverse. */
  generatedAt: string;
  artifact: ConsumerArtifact;
  /** The fingerprint of each hit, computed from the artifact as reported, in hit order. */
  fingerprints: string[];
  digest: { title: string; body: string };
  /** The digest issue a re-drive filed it in. */
  digestUrl: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  redrivenAt: string | null;
}
