/** Machine-readable kinds of artifact problems. */
export type ArtifactErrorCode =
  | "too_large"
  | "invalid_encoding"
  | "too_deep"
  | "invalid_json"
  | "duplicate_key"
  | "string_too_long"
  | "too_many_hits"
  | "schema"
  | "too_many_errors"
  | "zip_invalid"
  | "zip_too_large"
  | "zip_unsafe_entry"
  | "zip_too_many_entries"
  | "zip_uncompressed_too_large"
  | "zip_ratio"
  | "zip_missing_artifact"
  | "zip_duplicate_artifact"
  | "generated_at_future"
  | "provenance";

/**
 * One problem with an artifact. `path` is a JSON path such as
 * `org_unregistered_hits[3].line_number`; the empty string means the whole document.
 * Messages never contain values from the artifact (snippets may hold secrets).
 */
export interface ArtifactError {
  readonly path: string;
  readonly message: string;
  readonly code: ArtifactErrorCode;
}

/** A problem that does not reject the artifact, such as an unknown field. */
export interface ArtifactWarning {
  readonly path: string;
  readonly message: string;
  readonly code: "unknown_field" | "too_many_warnings";
}
