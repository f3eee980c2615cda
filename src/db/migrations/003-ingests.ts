import type { Migration } from "./migration.js";

/**
 * The ingest ledger: one row per workflow run attempt taken in, with its verdict. The same run
 * and attempt ingested again is recognised here and does nothing.
 */
export const ingests: Migration = {
  id: "003-ingests",
  statements: [
    `CREATE TABLE ingests (
       id               bigserial   PRIMARY KEY,
       installation_id  bigint      NOT NULL,
       repository       text        NOT NULL,
       run_id           bigint      NOT NULL,
       run_attempt      integer     NOT NULL,
       head_sha         text        NOT NULL,
       artifact_sha256  text,
       audit_id         text,
       verdict          text        NOT NULL,
       error            text,
       hit_count        integer     NOT NULL DEFAULT 0,
       counts           jsonb       NOT NULL DEFAULT '{}'::jsonb,
       ingested_at      timestamptz NOT NULL DEFAULT now(),
       UNIQUE (installation_id, repository, run_id, run_attempt)
     )`,
    `CREATE INDEX ingests_head_sha ON ingests (installation_id, repository, head_sha, ingested_at DESC)`,
    `CREATE INDEX ingests_audit_id ON ingests (installation_id, audit_id, ingested_at DESC)`,
  ],
};
