import type { DigestStateRow } from "../digest/compute-digest-state.js";

/**
 * Whether a scan left every finding as the stored states have it (both lists sorted by
 * fingerprint, as `computeDigestState` and `loadFindingStates` give them): the same fingerprints, each
 * with the same status (open, suppressed and why, resolved and when), first sighting and what
 * the digest shows of it (repository, path, line, pattern, severity, snippet, rule). Not
 * compared: when it was last seen and the commit it was seen at (a later commit of the same
 * findings; the digest keeps linking the commit where they were first seen).
 */
export function sameFindings(before: readonly DigestStateRow[], after: readonly DigestStateRow[]): boolean {
  if (before.length !== after.length) return false;
  // Both lists are sorted by fingerprint (the stored ones by the query); in any other order they are taken for different.
  for (let i = 0; i < after.length; i++) {
    const was = before[i] as DigestStateRow;
    const row = after[i] as DigestStateRow;
    if (was.fingerprint !== row.fingerprint || !sameRow(was, row)) return false;
  }
  return true;
}

function sameRow(a: DigestStateRow, b: DigestStateRow): boolean {
  return (
    a.status === b.status &&
    a.firstSeenAt === b.firstSeenAt &&
    a.resolvedAt === b.resolvedAt &&
    a.suppressedReason === b.suppressedReason &&
    a.repo === b.repo &&
    a.path === b.path &&
    a.line === b.line &&
    a.pattern === b.pattern &&
    a.severity === b.severity &&
    a.snippet === b.snippet &&
    a.ruleId === b.ruleId
  );
}
