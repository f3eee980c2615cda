import type { z } from "zod";
import type { ArtifactError } from "./artifact-error.js";
import { formatJsonPath } from "./format-json-path.js";

function valueAt(root: unknown, path: readonly PropertyKey[]): { present: boolean } {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return { present: false };
    const record = node as Record<PropertyKey, unknown>;
    if (!Object.prototype.hasOwnProperty.call(record, segment)) return { present: false };
    node = record[segment];
  }
  return { present: true };
}

/**
 * Turns zod issues into artifact errors with JSON paths. A missing required field
 * is said to be missing; messages describe what was expected and the received type,
 * never the received value.
 */
export function zodIssuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  document: unknown,
  maxErrors: number,
): ArtifactError[] {
  const errors: ArtifactError[] = [];
  for (const issue of issues.slice(0, maxErrors)) {
    const path = formatJsonPath(issue.path);
    let message = issue.message;
    if (issue.code === "invalid_type" && !valueAt(document, issue.path).present) {
      message = `required field is missing (expected ${issue.expected})`;
    } else if (issue.code === "unrecognized_keys") {
      message = `unknown field(s): ${issue.keys.join(", ")}`;
    }
    errors.push({ path, code: "schema", message });
  }
  if (issues.length > maxErrors) {
    errors.push({ path: "", code: "too_many_errors", message: `${issues.length - maxErrors} more schema errors not listed` });
  }
  return errors;
}
