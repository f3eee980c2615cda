import type { Migration } from "./migration.js";

/**
 * Per-repository issues (issues.mode `per-repo`): for each installation, audit_id and
 * repository, the issue filed in that repository and what was last applied to it.
 * `repo_key` is the lower-cased `owner/name` (GitHub names are case-insensitive).
 */
export const repoIssues: Migration = {
  id: "005-repo-issues",
  statements: [
    `CREATE TABLE repo_issues (
       installation_id bigint      NOT NULL,
       audit_id        text        NOT NULL,
       repo_key        text        NOT NULL,
       repository      text        NOT NULL,
       issue_number    integer     NOT NULL,
       content_sha256  text        NOT NULL,
       state           text        NOT NULL,
       updated_at      timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (installation_id, audit_id, repo_key)
     )`,
  ],
};
