import type { DigestFinding } from "./digest-finding.js";
import { compareDigestFindings } from "./digest-finding.js";

type Sortable = Pick<DigestFinding, "severity" | "repo" | "path" | "line" | "fingerprint">;

/** Severity as the first character of a sort key: most serious first. */
const SEVERITY_KEY: Readonly<Record<DigestFinding["severity"], string>> = { critical: "0", high: "1", medium: "2", low: "3" };

const SEPARATOR = "\u0000";
const TWO_16 = 0x1_0000;
const TWO_32 = 0x1_0000_0000;

/**
 * Sorts findings in place into the canonical order, exactly as `sort(compareDigestFindings)`
 * would, and returns them. Each finding becomes one string key (severity, repository, path,
 * line, fingerprint, then its index), and the keys are sorted by the engine's own string order:
 * one comparison of two flat strings instead of a call comparing five fields, which is what
 * makes 100,000 findings cost about a hundred times 1,000. A field holding the separator
 * (`\u0000`, which no valid artifact has) or a line that is not a non-negative safe integer
 * falls back to the comparator, so the order never depends on the data being typical.
 */
export function sortDigestFindings<T extends Sortable>(findings: T[]): T[] {
  const count = findings.length;
  if (count < 2) return findings;
  if (count >= TWO_32) return findings.sort(compareDigestFindings);
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const f = findings[i]!;
    const severity = SEVERITY_KEY[f.severity];
    const line = f.line;
    if (
      severity === undefined ||
      !Number.isSafeInteger(line) ||
      line < 0 ||
      f.repo.includes(SEPARATOR) ||
      f.path.includes(SEPARATOR) ||
      f.fingerprint.includes(SEPARATOR)
    ) {
      return findings.sort(compareDigestFindings);
    }
    // The fields before the line end in the separator, which sorts below every other character,
    // so a shorter repository or path sorts first, as in `compareDigestFindings`. The line is
    // four fixed-width 16-bit digits; the index after the fingerprint's separator only tells
    // apart findings that compare equal (the comparator's stable sort keeps them in input order).
    keys[i] =
      severity +
      f.repo +
      SEPARATOR +
      f.path +
      SEPARATOR +
      String.fromCharCode(Math.floor(line / TWO_32 / TWO_16), Math.floor(line / TWO_32) % TWO_16, Math.floor(line / TWO_16) % TWO_16, line % TWO_16) +
      f.fingerprint +
      SEPARATOR +
      String.fromCharCode(Math.floor(i / TWO_16), i % TWO_16);
  }
  keys.sort();
  const sorted = new Array<T>(count);
  for (let i = 0; i < count; i++) {
    const key = keys[i]!;
    sorted[i] = findings[key.charCodeAt(key.length - 2) * TWO_16 + key.charCodeAt(key.length - 1)]!;
  }
  for (let i = 0; i < count; i++) findings[i] = sorted[i]!;
  return findings;
}
