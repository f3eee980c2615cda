import type { ArtifactError } from "../artifact/artifact-error.js";
import type { CheckedArtifact } from "../artifact/check-artifact.js";

/** What one ingest concluded for a commit; the check run shows it. */
export type GateResult =
  | {
      kind: "valid";
      checked: Extract<CheckedArtifact, { verdict: "valid" }>;
      /** The digest issue this ingest updated, when it filed one. */
      digest?: { repository: string; issueNumber: number; url: string };
      /**
       * Why the digest issue could not be filed and what to do, completing "No digest was filed: …"
       * (a missing permission or disabled issues, with the fallback record keeping the findings;
       * a label GitHub refuses).
       */
      digestProblem?: string;
      /**
       * Fingerprints of the findings the digest suppresses (dismissed or muted by command, or in
       * the home configuration's `suppressions`): they get no annotation.
       */
      suppressed?: ReadonlySet<string>;
    }
  | { kind: "invalid"; errors: ArtifactError[] }
  | { kind: "signature_invalid"; error: string }
  | { kind: "config_invalid"; error: string }
  /** The trust rule refused the run: it may not write where its configuration points. */
  | { kind: "refused"; reason: string; allow: string }
  | { kind: "missing"; artifactName: string; runId: number }
  | { kind: "expired"; artifactName: string; runId: number }
  | { kind: "not_ingested" }
  | { kind: "stale"; hours: number };
