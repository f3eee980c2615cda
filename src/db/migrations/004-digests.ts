import type { Migration } from "./migration.js";

/**
 * Digest issues (one per installation and audit_id), the state of every finding fingerprint
 * seen for an audit_id, and labels already made sure of per repository.
 */
export const digests: Migration = {
  id: "004-digests",
  statements: [
    `CREATE TABLE digests (
       installation_id       bigint      NOT NULL,
       audit_id              text        NOT NULL,
       repository            text        NOT NULL,
       issue_number          integer     NOT NULL,
       last_generated_at     timestamptz NOT NULL,
       last_content_sha256   text        NOT NULL,
       state                 text        NOT NULL,
       updated_at            timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (installation_id, audit_id)
     )`,
    `CREATE TABLE digest_findings (
       installation_id   bigint      NOT NULL,
       audit_id          text        NOT NULL,
       fingerprint       text        NOT NULL,
       status            text        NOT NULL,
       first_seen_at     timestamptz NOT NULL,
       last_seen_at      timestamptz NOT NULL,
       resolved_at       timestamptz,
       suppressed_reason text,
       hit               jsonb       NOT NULL,
       PRIMARY KEY (installation_id, audit_id, fingerprint)
     )`,
    `CREATE TABLE repository_labels (
       installation_id bigint NOT NULL,
       repository      text   NOT NULL,
       label           text   NOT NULL,
       PRIMARY KEY (installation_id, repository, label)
     )`,
  ],
};
