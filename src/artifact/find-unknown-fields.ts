import type { ArtifactWarning } from "./artifact-error.js";
import { KNOWN_ARTIFACT_FIELDS } from "./consumer-artifact-schema.js";
import { formatJsonPath } from "./format-json-path.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export interface FindUnknownFieldsOptions {
  /** Most warnings listed before the rest are counted (default 50). */
  readonly maxWarnings?: number;
  /** The caller knows that no hit has an unknown field: the hits are not looked at. */
  readonly hitsKnown?: boolean;
}

/**
 * Lists fields the schema does not know (they are kept and signed, but may be typos).
 * At most `maxWarnings` are listed individually; the rest are counted in one last warning.
 */
export function findUnknownFields(
  document: Record<string, unknown>,
  { maxWarnings = 50, hitsKnown = false }: FindUnknownFieldsOptions = {},
): ArtifactWarning[] {
  const warnings: ArtifactWarning[] = [];
  let unlisted = 0;
  const check = (node: unknown, known: ReadonlySet<string>, prefix: PropertyKey[]): void => {
    if (!isRecord(node)) return;
    for (const key of Object.keys(node)) {
      if (known.has(key)) continue;
      if (warnings.length < maxWarnings) {
        warnings.push({
          path: formatJsonPath([...prefix, key]),
          code: "unknown_field",
          message: "unknown field (kept and covered by the signature)",
        });
      } else unlisted++;
    }
  };
  check(document, KNOWN_ARTIFACT_FIELDS.root, []);
  check(document.tool, KNOWN_ARTIFACT_FIELDS.tool, ["tool"]);
  check(document.source, KNOWN_ARTIFACT_FIELDS.source, ["source"]);
  check(document.signature, KNOWN_ARTIFACT_FIELDS.signature, ["signature"]);
  const hits = document.org_unregistered_hits;
  if (Array.isArray(hits) && !hitsKnown) {
    hits.forEach((hit, index) => check(hit, KNOWN_ARTIFACT_FIELDS.hit, ["org_unregistered_hits", index]));
  }
  if (unlisted > 0) {
    warnings.push({ path: "", code: "too_many_warnings", message: `${unlisted} more unknown fields not listed` });
  }
  return warnings;
}
