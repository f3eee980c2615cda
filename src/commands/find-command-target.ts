import type { Queryable } from "../db/database.js";
import { digestKey, type DigestKey } from "../digest/digest-store.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/**
 * What a command comment is about, read from the app's own records (never from the issue's
 * body, which anyone who can edit it could forge):
 * - `digest`: a digest issue the app filed;
 * - `repo-issue`: a per-repository issue the app filed, which belongs to a digest;
 * - `pull-request`: a pull request; `digest` is the digest of its head commit's latest ingest
 *   when that digest lives in this repository (only there may its commenters change it), and
 *   `statusDigest` the one `status` reports (the audit_id's digest wherever it lives).
 */
export type CommandTarget =
  | { kind: "digest" | "repo-issue"; digest: DigestKey }
  | { kind: "pull-request"; headSha: string; auditId: string | null; digest: DigestKey | null; statusDigest: DigestKey | null };

export async function findCommandTarget({
  db,
  octokit,
  installationId,
  repository,
  issueNumber,
  isPullRequest,
}: {
  db: Queryable;
  octokit: InstallationOctokit;
  installationId: number;
  repository: string;
  issueNumber: number;
  isPullRequest: boolean;
}): Promise<CommandTarget | undefined> {
  if (isPullRequest) {
    const [owner, repo] = repository.split("/") as [string, string];
    const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: issueNumber });
    const headSha = pull.head.sha;
    const { rows } = await db.query<{ audit_id: string | null }>(
      `SELECT audit_id FROM ingests WHERE installation_id = $1 AND lower(repository) = lower($2) AND head_sha = $3
       ORDER BY ingested_at DESC, id DESC LIMIT 1`,
      [installationId, repository, headSha],
    );
    const auditId = rows[0]?.audit_id ?? null;
    if (auditId === null) return { kind: "pull-request", headSha, auditId, digest: null, statusDigest: null };
    const homes = await db.query<{ home: string }>(
      `SELECT home FROM digests WHERE installation_id = $1 AND audit_id = $2 ORDER BY (home = lower($3)) DESC, updated_at DESC`,
      [installationId, auditId, repository],
    );
    const keyOf = (home: string): DigestKey => digestKey({ installationId, home, auditId });
    const first = homes.rows[0]?.home;
    return {
      kind: "pull-request",
      headSha,
      auditId,
      digest: first !== undefined && first === repository.toLowerCase() ? keyOf(first) : null,
      statusDigest: first !== undefined ? keyOf(first) : null,
    };
  }
  const digest = await db.query<{ home: string; audit_id: string }>(
    `SELECT home, audit_id FROM digests WHERE installation_id = $1 AND lower(repository) = lower($2) AND issue_number = $3`,
    [installationId, repository, issueNumber],
  );
  const found = digest.rows[0];
  if (found) return { kind: "digest", digest: digestKey({ installationId, home: found.home, auditId: found.audit_id }) };
  const repoIssue = await db.query<{ home: string; audit_id: string }>(
    `SELECT home, audit_id FROM repo_issues WHERE installation_id = $1 AND lower(repository) = lower($2) AND issue_number = $3`,
    [installationId, repository, issueNumber],
  );
  const owning = repoIssue.rows[0];
  return owning ? { kind: "repo-issue", digest: digestKey({ installationId, home: owning.home, auditId: owning.audit_id }) } : undefined;
}
