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

/**
 * Whether a parsed JSON value holds a string (value or key) longer than `maxLength`: the same
 * question as `findLongStrings`, answered without building paths. Recursive, like it.
 */
export function hasLongStrings(value: unknown, maxLength: number): boolean {
  if (typeof value === "string") return value.length > maxLength;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (hasLongStrings(item, maxLength)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key.length > maxLength || hasLongStrings(record[key], maxLength)) return true;
  }
  return false;
}
