import { createHash } from "node:crypto";
import type { DigestTotals } from "../digest/compute-digest-state.js";
import type { DigestFinding } from "../digest/digest-finding.js";
import { shortFingerprintLength } from "../digest/render-digest.js";
import { repoKey, type RepoIssueRecord } from "./repo-issue-store.js";

/**
 * Version of what a per-repository issue shows. Part of every content identity: raising it
 * makes the next update rewrite every per-repository issue (do so when their rendering changes).
 */
const REPO_ISSUE_CONTENT_VERSION = 1;

export interface RepoIssuePlanInput {
  /** The digest's findings of this update (new, open, suppressed, just resolved). */
  findings: readonly DigestFinding[];
  complete: boolean;
  /** What is recorded per repository key (lower-cased `owner/name`). */
  records: ReadonlyMap<string, RepoIssueRecord>;
  auditId: string;
  /** The digest the issues link back to: a new digest issue rewrites them all. */
  digestUrl: string;
}

export interface RepoIssuePlan {
  /** `owner/name` as the findings (or the record) spell it. */
  repo: string;
  key: string;
  /** Every spelling of the repository among the findings (the digest links each). */
  spellings: string[];
  findings: DigestFinding[];
  totals: DigestTotals;
  /** Characters of each fingerprint the issue shows: as many as the digest shows (unique among all its findings). */
  fingerprintLength: number;
  /** A complete scan left nothing open in the repository. */
  wantClosed: boolean;
  /** Identity of what the issue should show; equal to the record's means nothing to do. */
  contentSha256: string;
  record?: RepoIssueRecord;
  /**
   * - `create`: open findings and no issue recorded;
   * - `update`: an issue is recorded and what it should show changed (body, state or both);
   * - `unchanged`: an issue is recorded and shows this already: no request at all.
   */
  action: "create" | "update" | "unchanged";
}

/**
 * Which repositories need their per-repository issue created or brought up to date (pure).
 *
 * A repository is planned when the digest shows findings in it, or when its recorded issue is
 * open and a complete scan shows nothing there any more (it must be closed). Repositories with
 * no open findings and no issue get none.
 *
 * The content identity covers what the issue is about — the open and suppressed findings with
 * everything shown of them, how many characters of their fingerprints are shown, whether the
 * scan was complete, the digest linked — and not the
 * artifact's time or which findings are labelled new: an update that changes nothing in a
 * repository sends no request there, and its issue keeps saying when its content last changed.
 */
export function planRepoIssues(input: RepoIssuePlanInput): RepoIssuePlan[] {
  const groups = new Map<string, { spellings: string[]; findings: DigestFinding[] }>();
  for (const finding of input.findings) {
    const key = repoKey(finding.repo);
    let group = groups.get(key);
    if (group === undefined) {
      group = { spellings: [], findings: [] };
      groups.set(key, group);
    }
    if (!group.spellings.includes(finding.repo)) group.spellings.push(finding.repo);
    group.findings.push(finding);
  }
  if (input.complete) {
    for (const [key, record] of input.records) {
      if (record.state === "open" && !groups.has(key)) groups.set(key, { spellings: [record.repository], findings: [] });
    }
  }

  // The digest's, so a short fingerprint names the same finding in the digest and here.
  const fingerprintLength = shortFingerprintLength(input.findings);
  const plans: RepoIssuePlan[] = [];
  for (const [key, group] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const totals = countTotals(group.findings);
    const record = input.records.get(key);
    if (record === undefined && totals.open === 0) continue;
    const contentSha256 = contentIdentity({ ...input, findings: group.findings, fingerprintLength });
    plans.push({
      repo: record?.repository ?? group.spellings[0]!,
      key,
      spellings: group.spellings,
      findings: group.findings,
      totals,
      fingerprintLength,
      wantClosed: input.complete && totals.open === 0,
      contentSha256,
      ...(record === undefined ? {} : { record }),
      action: record === undefined ? "create" : record.contentSha256 === contentSha256 ? "unchanged" : "update",
    });
  }
  return plans;
}

function countTotals(findings: readonly DigestFinding[]): DigestTotals {
  const totals: DigestTotals = { open: 0, new: 0, resolved: 0, suppressed: 0 };
  for (const finding of findings) {
    if (finding.status === "new" || finding.status === "open") totals.open++;
    if (finding.status === "new") totals.new++;
    if (finding.status === "resolved") totals.resolved++;
    if (finding.status === "suppressed") totals.suppressed++;
  }
  return totals;
}

function contentIdentity({
  findings,
  complete,
  auditId,
  digestUrl,
  fingerprintLength,
}: Pick<RepoIssuePlanInput, "complete" | "auditId" | "digestUrl"> & { findings: readonly DigestFinding[]; fingerprintLength: number }): string {
  const current = findings
    .filter((f) => f.status !== "resolved")
    .map((f) => [
      f.fingerprint,
      f.status === "suppressed" ? "suppressed" : "open",
      f.repo,
      f.path,
      f.line,
      f.pattern,
      f.severity,
      f.snippet ?? null,
      f.ruleId ?? null,
      f.sha ?? null,
      f.suppressedReason ?? null,
    ])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  const identity = JSON.stringify({ version: REPO_ISSUE_CONTENT_VERSION, auditId, digestUrl, complete, fingerprintLength, findings: current });
  return createHash("sha256").update(identity).digest("hex");
}
