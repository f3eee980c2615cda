/**
 * The hidden marker at the start of every digest issue body.
 *
 * CONTRACT: the app finds existing digest issues by this marker (when its own record of
 * `audit_id` → issue number is missing it lists issues by label and reads it). Changing the
 * format orphans every digest already filed. Only add a new version (`v2`, …) and keep
 * parsing the old ones.
 *
 * Format, version 1, on one line:
 *
 *     <!-- audit-digest:v1 audit_id=<audit_id> -->
 *
 * `<audit_id>` follows the artifact schema: 1–128 characters, `^[A-Za-z0-9][A-Za-z0-9._:/-]*$`,
 * so it can never contain a space or end the comment.
 *
 * A per-repository issue (issues.mode `per-repo`) starts with a sibling marker of its own kind,
 * also a CONTRACT (same rules: only add versions, keep parsing the old ones):
 *
 *     <!-- audit-digest-repo:v1 audit_id=<audit_id> repo=<owner>/<name> -->
 *
 * Its kind differs from the digest's (`audit-digest-repo:` is not `audit-digest:`), so a parser
 * that only knows digest markers never takes a per-repository issue for a digest. Text quoted
 * lower in a body (a snippet) may hold a marker too: the first marker of either kind in a body
 * says what the issue is.
 */

const AUDIT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** A future version may add `key=value` attributes; they are tolerated when parsing. */
const MARKER = /<!-- audit-digest:v([0-9]{1,4})((?: [a-z_]{1,32}=[^\s]{1,256}){1,16}) -->/;
const REPO_MARKER = /<!-- audit-digest-repo:v([0-9]{1,4})((?: [a-z_]{1,32}=[^\s]{1,256}){1,16}) -->/;
/** `owner/name` as GitHub allows them (the artifact schema's rule). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

export const DIGEST_MARKER_VERSION = 1;

export const REPO_ISSUE_MARKER_VERSION = 1;

export interface DigestMarker {
  version: number;
  auditId: string;
}

export interface RepoIssueMarker {
  version: number;
  auditId: string;
  /** `owner/name` as written in the marker. */
  repo: string;
}

function assertAuditId(auditId: string): void {
  if (!AUDIT_ID.test(auditId)) {
    throw new RangeError(
      `audit_id ${JSON.stringify(auditId.slice(0, 140))} cannot go in a digest marker: expected 1-128 characters matching ^[A-Za-z0-9][A-Za-z0-9._:/-]*$`,
    );
  }
}

export function formatDigestMarker(auditId: string): string {
  assertAuditId(auditId);
  return `<!-- audit-digest:v${DIGEST_MARKER_VERSION} audit_id=${auditId} -->`;
}

/** The marker of the per-repository issue of `auditId` in `repo` (`owner/name`). */
export function formatRepoIssueMarker({ auditId, repo }: { auditId: string; repo: string }): string {
  assertAuditId(auditId);
  if (!REPOSITORY.test(repo)) {
    throw new RangeError(`repository ${JSON.stringify(repo.slice(0, 300))} cannot go in a marker: expected "owner/name"`);
  }
  return `<!-- audit-digest-repo:v${REPO_ISSUE_MARKER_VERSION} audit_id=${auditId} repo=${repo} -->`;
}

/** The `key=value` attributes of a marker match. */
function attributes(match: RegExpExecArray): Map<string, string> {
  const found = new Map<string, string>();
  for (const attribute of (match[2] ?? "").trim().split(" ")) {
    const eq = attribute.indexOf("=");
    const name = attribute.slice(0, eq);
    if (!found.has(name)) found.set(name, attribute.slice(eq + 1));
  }
  return found;
}

/** The first marker of each kind; the earlier one says what the issue is. */
function firstMarkers(body: string): { digest: RegExpExecArray | null; repo: RegExpExecArray | null } {
  const digest = MARKER.exec(body);
  const repo = REPO_MARKER.exec(body);
  if (digest !== null && repo !== null) return digest.index < repo.index ? { digest, repo: null } : { digest: null, repo };
  return { digest, repo };
}

/** Reads the first digest marker in an issue body, or `null` when there is none (or the body is a per-repository issue). */
export function parseDigestMarker(body: string): DigestMarker | null {
  const match = firstMarkers(body).digest;
  if (match === null) return null;
  const auditId = attributes(match).get("audit_id");
  return auditId !== undefined && AUDIT_ID.test(auditId) ? { version: Number(match[1]), auditId } : null;
}

/** Reads the marker of a per-repository issue, or `null` when there is none (or the body is a digest). */
export function parseRepoIssueMarker(body: string): RepoIssueMarker | null {
  const match = firstMarkers(body).repo;
  if (match === null) return null;
  const found = attributes(match);
  const auditId = found.get("audit_id");
  const repo = found.get("repo");
  if (auditId === undefined || !AUDIT_ID.test(auditId) || repo === undefined || !REPOSITORY.test(repo)) return null;
  return { version: Number(match[1]), auditId, repo };
}
