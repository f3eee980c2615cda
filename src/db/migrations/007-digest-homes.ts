import type { Migration } from "./migration.js";

/**
 * A digest belongs to (installation, home repository, audit_id): the same audit_id in two
 * homes is two digests, so one repository's run can never reach another's digest. `home` is
 * the lower-cased `owner/name`. Also:
 * - `digests.pending_comment` and `repo_issues.pending_comment`: the comment an update owes people (new findings, all resolved),
 *   saved with the update and cleared once posted, so a failed post is retried, never lost;
 * - `check_runs.completed_by` and `annotation_batches_sent`: which ingest completed the check
 *   run and how far its annotations got, so a retried ingest finishes that check run instead
 *   of creating a second one.
 */
export const digestHomes: Migration = {
  id: "007-digest-homes",
  statements: [
    `ALTER TABLE digests ADD COLUMN home text`,
    `UPDATE digests SET home = lower(repository)`,
    `ALTER TABLE digests ALTER COLUMN home SET NOT NULL`,
    `ALTER TABLE digests DROP CONSTRAINT digests_pkey`,
    `ALTER TABLE digests ADD PRIMARY KEY (installation_id, home, audit_id)`,
    `ALTER TABLE digests ADD COLUMN pending_comment jsonb`,

    `ALTER TABLE digest_findings ADD COLUMN home text`,
    `UPDATE digest_findings f SET home = d.home FROM digests d
       WHERE d.installation_id = f.installation_id AND d.audit_id = f.audit_id`,
    `DELETE FROM digest_findings WHERE home IS NULL`,
    `ALTER TABLE digest_findings ALTER COLUMN home SET NOT NULL`,
    `ALTER TABLE digest_findings DROP CONSTRAINT digest_findings_pkey`,
    `ALTER TABLE digest_findings ADD PRIMARY KEY (installation_id, home, audit_id, fingerprint)`,

    `ALTER TABLE repo_issues ADD COLUMN home text`,
    `UPDATE repo_issues r SET home = d.home FROM digests d
       WHERE d.installation_id = r.installation_id AND d.audit_id = r.audit_id`,
    `DELETE FROM repo_issues WHERE home IS NULL`,
    `ALTER TABLE repo_issues ALTER COLUMN home SET NOT NULL`,
    `ALTER TABLE repo_issues DROP CONSTRAINT repo_issues_pkey`,
    `ALTER TABLE repo_issues ADD PRIMARY KEY (installation_id, home, audit_id, repo_key)`,
    `ALTER TABLE repo_issues ADD COLUMN pending_comment jsonb`,

    `ALTER TABLE check_runs ADD COLUMN completed_by text`,
    `ALTER TABLE check_runs ADD COLUMN annotation_batches_sent integer NOT NULL DEFAULT 0`,
  ],
};
