import type { ArtifactError } from "./artifact-error.js";
import type { ConsumerArtifact } from "./consumer-artifact-schema.js";
import { containsSecret } from "./scrub-secrets.js";

/** The workflow run an artifact was downloaded from. */
export interface ArtifactOrigin {
  /** `owner/name` of the run's repository. */
  repository: string;
  headSha: string;
  runId: number;
}

/** How far in the future `generated_at` may be (clock skew between producer and app). */
export const MAX_GENERATED_AT_SKEW_MS = 5 * 60 * 1000;

/**
 * Binds an artifact to the run it came from, so a signed artifact cannot be replayed from
 * another repository, commit or run, and a future date cannot freeze the digest:
 * - `source.repository`, `source.sha` and `source.run_id` must match the run when present;
 * - where a signature is required, all three must be present (a signature over an artifact
 *   that names no run proves nothing about this run);
 * - `generated_at` may be at most five minutes ahead of `now`;
 * - `audit_id`, shown and stored exactly, must not look like a secret.
 * Each problem names its field.
 */
export function checkProvenance({
  artifact,
  origin,
  signatureRequired,
  now,
}: {
  artifact: ConsumerArtifact;
  origin: ArtifactOrigin;
  signatureRequired: boolean;
  now: Date;
}): ArtifactError[] {
  const errors: ArtifactError[] = [];
  const generatedAt = checkGeneratedAt({ generatedAt: artifact.generated_at, now });
  if (generatedAt) errors.push(generatedAt);
  // The audit_id is shown and stored exactly (titles, markers, keys), so it must not be a secret.
  if (containsSecret(artifact.audit_id)) {
    errors.push({ path: "audit_id", code: "provenance", message: "looks like a secret (a token or key); name the audit with something that may be shown" });
  }

  const source = artifact.source;
  const missing = (path: string): void => {
    if (signatureRequired) {
      errors.push({ path, code: "provenance", message: `is required: this run must be signed, and a signed artifact must name the run it comes from (${origin.repository}, run ${origin.runId})` });
    }
  };
  if (source === undefined) {
    missing("source");
    return errors;
  }
  if (source.repository.toLowerCase() !== origin.repository.toLowerCase()) {
    errors.push({ path: "source.repository", code: "provenance", message: `names another repository than the run's (${origin.repository})` });
  }
  if (source.sha.toLowerCase() !== origin.headSha.toLowerCase()) {
    errors.push({ path: "source.sha", code: "provenance", message: `names another commit than the run's head (${origin.headSha})` });
  }
  if (source.run_id === undefined) missing("source.run_id");
  else if (source.run_id !== origin.runId) {
    errors.push({ path: "source.run_id", code: "provenance", message: `names another workflow run than the one it was downloaded from (${origin.runId})` });
  }
  return errors;
}

/** `generated_at` more than five minutes ahead of `now` is refused (it would outrank every later scan). */
export function checkGeneratedAt({ generatedAt, now }: { generatedAt: string; now: Date }): ArtifactError | undefined {
  const at = Date.parse(generatedAt);
  if (at - now.getTime() <= MAX_GENERATED_AT_SKEW_MS) return undefined;
  return {
    path: "generated_at",
    code: "generated_at_future",
    message: `is in the future (${generatedAt}, now ${now.toISOString()}); at most 5 minutes of clock skew is accepted`,
  };
}
