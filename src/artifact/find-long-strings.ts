import type { ArtifactError } from "./artifact-error.js";
import { formatJsonPath } from "./format-json-path.js";

/**
 * Finds strings (values and keys) longer than `maxLength` in a parsed JSON value.
 * Recursive: call only on values whose depth has already been bounded.
 */
export function findLongStrings(value: unknown, maxLength: number, maxErrors: number): ArtifactError[] {
  const errors: ArtifactError[] = [];
  const path: PropertyKey[] = [];
  const report = (what: string, length: number): void => {
    errors.push({
      path: formatJsonPath(path),
      code: "string_too_long",
      message: `${what} is ${length} characters long, more than the limit max_string_length (${maxLength})`,
    });
  };
  const visit = (node: unknown): void => {
    if (errors.length >= maxErrors) return;
    if (typeof node === "string") {
      if (node.length > maxLength) report("string", node.length);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length && errors.length < maxErrors; i++) {
        path.push(i);
        visit(node[i]);
        path.pop();
      }
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        if (errors.length >= maxErrors) return;
        path.push(key.length > maxLength ? `${key.slice(0, 32)}…` : key);
        if (key.length > maxLength) report("key", key.length);
        visit(child);
        path.pop();
      }
    }
  };
  visit(value);
  return errors;
}
