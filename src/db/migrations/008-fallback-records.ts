import type { Migration } from "./migration.js";

/**
 * Fallback records: the redacted findings of a digest the app could not file for a permission
 * reason (no `issues: write`, issues disabled, the home out of the installation's reach), kept
 * until `expires_at` and filed by a re-drive once that is possible. At most one record per
 * (installation, home, audit_id) is pending; a newer failure updates it in place. `status` is
 * `pending`, `redriven` (filed), `superseded` (a newer ingest filed the digest) or `refused`
 * (the home no longer accepts the run's repository as a producer).
 */
export const fallbackRecords: Migration = {
  id: "008-fallback-records",
  statements: [
    `CREATE TABLE fallback_records (
       id                bigserial   PRIMARY KEY,
       installation_id   bigint      NOT NULL,
       home              text        NOT NULL,
       audit_id          text        NOT NULL,
       target_repository text        NOT NULL,
       run_repository    text        NOT NULL,
       head_sha          text        NOT NULL,
       status            text        NOT NULL DEFAULT 'pending',
       reason_cause      text        NOT NULL,
       reason_status     integer     NOT NULL,
       reason_message    text        NOT NULL,
       generated_at      timestamptz NOT NULL,
       artifact          jsonb       NOT NULL,
       fingerprints      jsonb       NOT NULL,
       digest_title      text        NOT NULL,
       digest_body       text        NOT NULL,
       digest_url        text,
       created_at        timestamptz NOT NULL DEFAULT now(),
       updated_at        timestamptz NOT NULL DEFAULT now(),
       expires_at        timestamptz NOT NULL,
       redriven_at       timestamptz
     )`,
    `CREATE UNIQUE INDEX fallback_records_one_pending ON fallback_records (installation_id, home, audit_id) WHERE status = 'pending'`,
    `CREATE INDEX fallback_records_expires_at ON fallback_records (expires_at)`,
    `CREATE INDEX fallback_records_pending ON fallback_records (installation_id, id) WHERE status = 'pending'`,
  ],
};
