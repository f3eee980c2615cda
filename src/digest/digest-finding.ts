/** How serious a finding is, from least to most. */
export type DigestSeverity = "low" | "medium" | "high" | "critical";

/**
 * Where a finding stands in a digest:
 * - `new`: open now and not open at the previous update;
 * - `open`: open now and already open before;
 * - `resolved`: open before, absent from this complete scan;
 * - `suppressed`: present (or carried) but matched by a suppression rule.
 */
export type DigestFindingStatus = "new" | "open" | "resolved" | "suppressed";

/** What a finding is made of, as the artifact reported it (after fingerprinting). */
export interface DigestHit {
  /** Stable identity across runs (never derived from the line number). */
  fingerprint: string;
  /** `owner/name` of the repository the finding is in. */
  repo: string;
  path: string;
  line: number;
  pattern: string;
  severity: DigestSeverity;
  /** Code snippet, secret-scrubbed when stored; neutralised before it is shown anywhere. */
  snippet?: string;
  ruleId?: string;
  /** Commit the finding was seen at; enables blob links. */
  sha?: string;
}

/** One finding as the digest shows it. */
export interface DigestFinding extends DigestHit {
  status: DigestFindingStatus;
  firstSeenAt: string;
  suppressedReason?: string;
}

const SEVERITY_RANK: Readonly<Record<DigestSeverity, number>> = {
  critical: 3,
  high: 2,
  medium: 1,
  low: 0,
};

/** Rank of a severity: higher is more serious. */
export function severityRank(severity: DigestSeverity): number {
  return SEVERITY_RANK[severity];
}

/** Severities from most to least serious, for tables and summaries. */
export const SEVERITIES_DESCENDING: readonly DigestSeverity[] = ["critical", "high", "medium", "low"];

function compareText(a: string, b: string): number {
  // Code-unit order, not locale order: the same input must render byte-identically everywhere.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical order of findings wherever they are listed:
 * severity (most serious first), repository, path, line, fingerprint.
 */
export function compareDigestFindings(
  a: Pick<DigestFinding, "severity" | "repo" | "path" | "line" | "fingerprint">,
  b: Pick<DigestFinding, "severity" | "repo" | "path" | "line" | "fingerprint">,
): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.repo, b.repo) ||
    compareText(a.path, b.path) ||
    a.line - b.line ||
    compareText(a.fingerprint, b.fingerprint)
  );
}
