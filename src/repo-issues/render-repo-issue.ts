import type { DigestTotals } from "../digest/compute-digest-state.js";
import type { DigestFinding } from "../digest/digest-finding.js";
import { formatDigestMarker, formatRepoIssueMarker } from "../digest/digest-marker.js";
import { codeSpan } from "../markdown/markdown-code.js";
import { DEFAULT_DIGEST_BUDGET, renderDigest, type RenderedDigest } from "../digest/render-digest.js";

export const REPO_ISSUE_TITLE = "Audit findings: {audit_id}";

/** Room kept free of the digest budget for the per-repository head (marker and link back). */
const HEAD_ROOM = 1_000;

export interface RepoIssueView {
  auditId: string;
  /** `owner/name` of the repository the issue is filed in; every finding is in it. */
  repo: string;
  generatedAt: string;
  complete: boolean;
  host: string;
  /** The repository's findings, as the digest shows them in this update. */
  findings: readonly DigestFinding[];
  totals: DigestTotals;
  /** Web address of the digest issue the per-repository issue links back to. */
  digestUrl: string;
  fullListHint?: string;
  /**
   * Characters of each fingerprint shown: the digest's (`shortFingerprintLength` of all its
   * findings), so a short fingerprint names the same finding here and in the digest.
   */
  fingerprintLength?: number;
}

/**
 * The per-repository issue: the digest's rendering of the repository's findings (same sections,
 * same size budget, same scrubbing, the digest's short fingerprints), under the per-repository marker and a link back to the
 * digest instead of the digest's marker.
 */
export function renderRepoIssue(view: RepoIssueView): RenderedDigest {
  const rendered = renderDigest({
    auditId: view.auditId,
    title: REPO_ISSUE_TITLE,
    generatedAt: view.generatedAt,
    complete: view.complete,
    host: view.host,
    findings: view.findings,
    totals: view.totals,
    ...(view.fullListHint === undefined ? {} : { fullListHint: view.fullListHint }),
    ...(view.fingerprintLength === undefined ? {} : { fingerprintLength: view.fingerprintLength }),
    budget: DEFAULT_DIGEST_BUDGET - HEAD_ROOM,
  });
  const digestMarker = formatDigestMarker(view.auditId);
  if (!rendered.body.startsWith(digestMarker)) throw new Error("a rendered digest body must start with its marker");
  const head =
    `${formatRepoIssueMarker({ auditId: view.auditId, repo: view.repo })}\n\n` +
    `Findings of audit ${codeSpan(view.auditId)} in ${codeSpan(view.repo)}. ` +
    `All repositories of this audit: [the digest issue](${view.digestUrl}).`;
  if (head.length > HEAD_ROOM) throw new RangeError("digest address too long for a per-repository issue");
  return { ...rendered, body: `${head}${rendered.body.slice(digestMarker.length)}` };
}
