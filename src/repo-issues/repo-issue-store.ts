import type { Queryable } from "../db/database.js";
import type { DigestKey } from "../digest/digest-store.js";
import type { OwedComment } from "../issues/post-owed-comment.js";

/** The per-repository issue of an audit_id in one repository, and what was last applied to it. */
export interface RepoIssueRecord {
  /** `owner/name` as the findings spell it. */
  repository: string;
  issueNumber: number;
  /** Identity of the content last applied (see `planRepoIssues`): equal means nothing to do. */
  contentSha256: string;
  state: "open" | "closed";
  /** A comment this update owes the issue, posted after the save and cleared once it is. */
  pendingComment?: OwedComment | null;
}

/** Records are keyed by the lower-cased `owner/name`: GitHub names are case-insensitive. */
export function repoKey(repository: string): string {
  return repository.toLowerCase();
}

export async function loadRepoIssueRecords(conn: Queryable, key: DigestKey): Promise<Map<string, RepoIssueRecord>> {
  const { rows } = await conn.query<{
    repo_key: string;
    repository: string;
    issue_number: number;
    content_sha256: string;
    state: "open" | "closed";
    pending_comment: OwedComment | null;
  }>(
    `SELECT repo_key, repository, issue_number, content_sha256, state, pending_comment
     FROM repo_issues WHERE installation_id = $1 AND home = $2 AND audit_id = $3`,
    [key.installationId, key.home, key.auditId],
  );
  return new Map(
    rows.map((row) => [
      row.repo_key,
      {
        repository: row.repository,
        issueNumber: row.issue_number,
        contentSha256: row.content_sha256,
        state: row.state,
        pendingComment: row.pending_comment,
      },
    ]),
  );
}

export async function saveRepoIssueRecord(conn: Queryable, key: DigestKey, record: RepoIssueRecord): Promise<void> {
  await conn.query(
    `INSERT INTO repo_issues (installation_id, home, audit_id, repo_key, repository, issue_number, content_sha256, state, pending_comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (installation_id, home, audit_id, repo_key) DO UPDATE SET
       repository = EXCLUDED.repository, issue_number = EXCLUDED.issue_number,
       content_sha256 = EXCLUDED.content_sha256, state = EXCLUDED.state,
       pending_comment = EXCLUDED.pending_comment, updated_at = now()`,
    [key.installationId, key.home, key.auditId, repoKey(record.repository), record.repository, record.issueNumber, record.contentSha256, record.state,
      record.pendingComment ? JSON.stringify(record.pendingComment) : null],
  );
}
