import type { DigestFinding } from "./digest-finding.js";
import { compareDigestFindings } from "./digest-finding.js";

type Sortable = Pick<DigestFinding, "severity" | "repo" | "path" | "line" | "fingerprint">;

/** Position of a severity's group: most serious first. */
const SEVERITY_ORDER: Readonly<Record<DigestFinding["severity"], number>> = { critical: 0, high: 1, medium: 2, low: 3 };

const SEPARATOR = "\u0000";
const TWO_32 = 0x1_0000_0000;

/**
 * The fixed-width tail of a key: a line (a non-negative safe integer) as seven characters of
 * 0–255 and an index (below 2^32) as four, most significant first.
 */
function lineAndIndex(line: number, index: number): string {
  const high = Math.floor(line / TWO_32);
  const low = line % TWO_32;
  return String.fromCharCode(
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    (low >>> 24) & 0xff,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
    (index >>> 24) & 0xff,
    (index >>> 16) & 0xff,
    (index >>> 8) & 0xff,
    index & 0xff,
  );
}

/**
 * Sorts findings in place into the canonical order, exactly as `sort(compareDigestFindings)`
 * would, and returns them. Findings are first put in a group per severity and repository (the
 * groups in order: severities by rank, repositories by code unit). Within a group each finding
 * becomes one string key (path, line, then its index) and the keys are sorted by the engine's
 * own string order: one comparison of two flat strings instead of a call comparing five
 * fields, over groups far smaller than the whole. The keys are built with `join` and hold only
 * characters up to U+00FF when the path does, so the engine compares them inline; a key
 * concatenated piece by piece, or holding wider characters, is compared by a call into the
 * runtime, several times slower. The fingerprint is not in the key: findings in the same place
 * (severity, repository, path and line; rare) end up next to each other in input order and are
 * put in order by the comparator afterwards. A path holding the separator (`\u0000`, which no
 * valid artifact has), a line that is not a non-negative safe integer or an unknown severity
 * falls back to the comparator, so the order never depends on the data being typical.
 */
export function sortDigestFindings<T extends Sortable>(findings: T[]): T[] {
  const count = findings.length;
  if (count < 2) return findings;
  if (count >= TWO_32) return findings.sort(compareDigestFindings);
  /** Per severity rank (most serious first), the indexes of its findings per repository. */
  const groups = [0, 1, 2, 3].map(() => new Map<string, number[]>());
  for (let i = 0; i < count; i++) {
    const f = findings[i]!;
    const bySeverity = groups[SEVERITY_ORDER[f.severity] ?? -1];
    if (bySeverity === undefined || !Number.isSafeInteger(f.line) || f.line < 0 || f.path.includes(SEPARATOR)) {
      return findings.sort(compareDigestFindings);
    }
    const group = bySeverity.get(f.repo);
    if (group === undefined) bySeverity.set(f.repo, [i]);
    else group.push(i);
  }
  const sorted = new Array<T>(count);
  let next = 0;
  for (const bySeverity of groups) {
    for (const repo of [...bySeverity.keys()].sort()) {
      const group = bySeverity.get(repo)!;
      if (group.length === 1) {
        sorted[next++] = findings[group[0]!]!;
        continue;
      }
      const keys = new Array<string>(group.length);
      for (let k = 0; k < group.length; k++) {
        const index = group[k]!;
        const f = findings[index]!;
        // The path ends in the separator, which sorts below every other character, so a shorter
        // path sorts first, as in `compareDigestFindings`. The line and the index are
        // fixed-width base-256 digits (7 hold every safe integer, 4 every index); the index
        // tells apart findings whose key is otherwise equal and keeps them in input order.
        keys[k] = [f.path, SEPARATOR, lineAndIndex(f.line, index)].join("");
      }
      keys.sort();
      for (const key of keys) {
        const end = key.length;
        const index = ((key.charCodeAt(end - 4) << 24) | (key.charCodeAt(end - 3) << 16) | (key.charCodeAt(end - 2) << 8) | key.charCodeAt(end - 1)) >>> 0;
        sorted[next++] = findings[index]!;
      }
    }
  }
  orderSamePlace(sorted);
  for (let i = 0; i < count; i++) findings[i] = sorted[i]!;
  return findings;
}

/**
 * Puts each run of findings with the same severity, repository, path and line (in input
 * order) into the comparator's order, which then only compares fingerprints; the sort is
 * stable, so equal fingerprints stay in input order.
 */
function orderSamePlace<T extends Sortable>(sorted: T[]): void {
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    const first = sorted[start]!;
    const next = sorted[i];
    if (next !== undefined && next.line === first.line && next.path === first.path && next.repo === first.repo && next.severity === first.severity) {
      continue;
    }
    if (i - start > 1) {
      const run = sorted.slice(start, i).sort(compareDigestFindings);
      for (let k = 0; k < run.length; k++) sorted[start + k] = run[k]!;
    }
    start = i;
  }
}
