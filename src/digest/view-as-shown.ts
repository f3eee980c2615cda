import type { DigestTotals } from "./compute-digest-state.js";
import { compareDigestFindings, type DigestFinding } from "./digest-finding.js";
import type { ShownAs, StoredFindingRow } from "./digest-store.js";

/**
 * What the digest shows for stored finding states: every open finding (`new` when the update
 * that started this set of findings showed it as new), every suppressed one, and the resolved
 * ones that update showed as resolved; with their totals, in the canonical order. The same rows
 * give the same view, so a later scan with the same findings renders the same body.
 */
export function viewAsShown(rows: readonly StoredFindingRow[]): { findings: DigestFinding[]; totals: DigestTotals } {
  const findings: DigestFinding[] = [];
  const totals: DigestTotals = { open: 0, new: 0, resolved: 0, suppressed: 0 };
  for (const row of rows) {
    let status: DigestFinding["status"];
    if (row.status === "open") {
      status = row.shownAs === "new" ? "new" : "open";
      totals.open++;
      if (status === "new") totals.new++;
    } else if (row.status === "suppressed") {
      status = "suppressed";
      totals.suppressed++;
    } else if (row.shownAs === "resolved") {
      status = "resolved";
      totals.resolved++;
    } else {
      continue;
    }
    findings.push(findingOf(row, status));
  }
  findings.sort(compareDigestFindings);
  return { findings, totals };
}

/**
 * Marks each row with how a view showed its finding (`shownAs`: `new`, `resolved`, or neither),
 * in place: the rows are the ones this update made (`computeDigestState`, `reapplySuppressions`).
 */
export function markShownAs<R extends StoredFindingRow>(rows: R[], findings: readonly DigestFinding[]): R[] {
  const shown = new Map<string, ShownAs>();
  for (const finding of findings) {
    if (finding.status === "new" || finding.status === "resolved") shown.set(finding.fingerprint, finding.status);
  }
  for (const row of rows) {
    const as = shown.get(row.fingerprint);
    // Set, never deleted (a deleted property slows every later access to the row).
    if (as !== undefined || row.shownAs !== undefined) row.shownAs = as;
  }
  return rows;
}

function findingOf(row: StoredFindingRow, status: DigestFinding["status"]): DigestFinding {
  const finding: DigestFinding = {
    fingerprint: row.fingerprint,
    repo: row.repo,
    path: row.path,
    line: row.line,
    pattern: row.pattern,
    severity: row.severity,
    status,
    firstSeenAt: row.firstSeenAt,
  };
  if (row.snippet !== undefined) finding.snippet = row.snippet;
  if (row.ruleId !== undefined) finding.ruleId = row.ruleId;
  if (row.sha !== undefined) finding.sha = row.sha;
  if (status === "suppressed" && row.suppressedReason !== undefined) finding.suppressedReason = row.suppressedReason;
  return finding;
}
