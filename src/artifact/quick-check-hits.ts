import type { Hit, Severity } from "./consumer-artifact-schema.js";
import { HIT_FIELD_LENGTHS, KNOWN_ARTIFACT_FIELDS, REPOSITORY_NAME_PATTERN, RELATIVE_PATH_PATTERN } from "./consumer-artifact-schema.js";
import { hasLongStrings } from "./find-long-strings.js";

export interface QuickCheckedHits {
  /** The hits as `hitSchema` outputs them: known fields in schema order, the default severity, then unknown fields. */
  hits: Hit[];
  /** Some hit has a field the schema does not know. */
  unknownFields: boolean;
}

const isSeverity = (value: unknown): value is Severity =>
  value === "medium" || value === "high" || value === "low" || value === "critical";

const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === "string" && value.length >= min && value.length <= max;

/**
 * A hand-written check of parsed hits that answers only when it is sure: the hits, exactly as
 * `hitSchema` would output them, when every hit is valid and holds no string or key longer than
 * `maxStringLength`; otherwise `undefined`, and the caller runs the schema (and the long-string
 * search) to say what is wrong, so every error stays the schema's own. It is stricter than the
 * schema where that is simpler (an `__proto__` key, a value outside the safe integers), never
 * looser. Expects values from `JSON.parse` whose depth was already bounded.
 */
export function quickCheckHits(hits: readonly unknown[], maxStringLength: number): QuickCheckedHits | undefined {
  const checked: Hit[] = new Array<Hit>(hits.length);
  const goodRepos = new Set<string>();
  let unknownFields = false;
  for (let index = 0; index < hits.length; index++) {
    const hit = hits[index];
    if (hit === null || typeof hit !== "object" || Array.isArray(hit)) return undefined;
    const fields = hit as Record<string, unknown>;
    const { repo, path, line_number: lineNumber, pattern, snippet, severity, rule_id: ruleId } = fields;
    if (typeof repo !== "string" || !goodRepos.has(repo)) {
      if (!isText(repo, 0, Math.min(HIT_FIELD_LENGTHS.repoMax, maxStringLength)) || !REPOSITORY_NAME_PATTERN.test(repo)) return undefined;
      goodRepos.add(repo);
    }
    if (!isText(path, 1, Math.min(HIT_FIELD_LENGTHS.pathMax, maxStringLength)) || !RELATIVE_PATH_PATTERN.test(path)) return undefined;
    if (typeof lineNumber !== "number" || !Number.isSafeInteger(lineNumber) || lineNumber < 1) return undefined;
    if (!isText(pattern, 1, Math.min(HIT_FIELD_LENGTHS.patternMax, maxStringLength))) return undefined;
    if (snippet !== undefined && !isText(snippet, 0, Math.min(HIT_FIELD_LENGTHS.snippetMax, maxStringLength))) return undefined;
    if (severity !== undefined && !isSeverity(severity)) return undefined;
    if (ruleId !== undefined && !isText(ruleId, 1, Math.min(HIT_FIELD_LENGTHS.ruleIdMax, maxStringLength))) return undefined;

    const level = severity ?? "medium";
    // Made whole, in the schema's order, so every hit of the same fields shares one shape.
    const out: Hit =
      snippet === undefined
        ? ruleId === undefined
          ? { repo, path, line_number: lineNumber, pattern, severity: level }
          : { repo, path, line_number: lineNumber, pattern, severity: level, rule_id: ruleId }
        : ruleId === undefined
          ? { repo, path, line_number: lineNumber, pattern, snippet, severity: level }
          : { repo, path, line_number: lineNumber, pattern, snippet, severity: level, rule_id: ruleId };

    // A parsed hit's members all hold values, so a hit with as many members as known fields it
    // holds has no other; only one with more is searched for them.
    const known = 4 + (snippet === undefined ? 0 : 1) + (severity === undefined ? 0 : 1) + (ruleId === undefined ? 0 : 1);
    let members = 0;
    for (const _key in fields) members++;
    if (members !== known) {
      for (const key in fields) {
        if (KNOWN_ARTIFACT_FIELDS.hit.has(key)) continue;
        if (key === "__proto__" || key.length > maxStringLength) return undefined;
        const value = fields[key];
        if (typeof value === "string" ? value.length > maxStringLength : hasLongStrings(value, maxStringLength)) return undefined;
        (out as Record<string, unknown>)[key] = value;
        unknownFields = true;
      }
    }
    checked[index] = out;
  }
  return { hits: checked, unknownFields };
}
