import type { Migration } from "./migration.js";

/**
 * What the upkeep schedules need:
 * - `installations.deleted_at`: when GitHub said the app was uninstalled, so its data is purged
 *   after the grace period; `purged_at`: when that was done (the row stays, so late jobs for the
 *   installation are still recognised and dropped);
 * - `waiting_jobs`: jobs of a suspended installation, held until it is unsuspended, then sent
 *   back to their queue;
 * - indexes that let the prune tasks find old rows without reading whole tables.
 */
export const upkeep: Migration = {
  id: "009-upkeep",
  statements: [
    `ALTER TABLE installations ADD COLUMN deleted_at timestamptz`,
    `ALTER TABLE installations ADD COLUMN purged_at timestamptz`,
    `UPDATE installations SET deleted_at = updated_at WHERE deleted`,
    `CREATE TABLE waiting_jobs (
       id              bigserial   PRIMARY KEY,
       installation_id bigint      NOT NULL,
       job_name        text        NOT NULL,
       data            jsonb       NOT NULL,
       parked_at       timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX waiting_jobs_installation ON waiting_jobs (installation_id, id)`,
    `CREATE INDEX ingests_ingested_at ON ingests (ingested_at)`,
    `CREATE INDEX digest_findings_resolved_at ON digest_findings (resolved_at) WHERE status = 'resolved'`,
    `CREATE INDEX check_runs_completed_updated_at ON check_runs (updated_at) WHERE status = 'completed'`,
  ],
};
