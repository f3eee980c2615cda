import type { Migration } from "./migration.js";

/** Installations the app knows of, and the "Audit ingest gate" check run of each head SHA. */
export const installationsAndCheckRuns: Migration = {
  id: "002-installations-and-check-runs",
  statements: [
    `CREATE TABLE installations (
       installation_id bigint      PRIMARY KEY,
       account_login   text        NOT NULL,
       account_type    text        NOT NULL,
       permissions     jsonb       NOT NULL DEFAULT '{}'::jsonb,
       suspended       boolean     NOT NULL DEFAULT false,
       deleted         boolean     NOT NULL DEFAULT false,
       updated_at      timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE check_runs (
       installation_id bigint      NOT NULL,
       repository      text        NOT NULL,
       head_sha        text        NOT NULL,
       check_run_id    bigint      NOT NULL,
       status          text        NOT NULL,
       conclusion      text,
       updated_at      timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (installation_id, repository, head_sha)
     )`,
  ],
};
