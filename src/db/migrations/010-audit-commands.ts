import type { Migration } from "./migration.js";

/**
 * `/audit` comment commands and what they decide:
 * - `audit_commands`: each command comment taken in, once per (installation, comment id), with
 *   the job that runs it and the reply it owes, so a redelivered or retried comment runs once;
 * - `digest_dismissals`: findings dismissed by fingerprint (false positive, won't fix, used in
 *   tests), scoped by installation, digest home and audit_id;
 * - `digest_mutes`: patterns muted for an audit_id, optionally in one repository, until a date;
 * - `suppression_events`: every dismissal, reopen, mute and unmute, with the finding's pattern,
 *   who and when: the false-positive feedback for the people who write the patterns;
 * - `digests.last_complete`: whether the last applied artifact was a complete scan, so a
 *   command that re-renders the digest keeps the partial-scan rule (nothing closes on it).
 */
export const auditCommands: Migration = {
  id: "010-audit-commands",
  statements: [
    `CREATE TABLE audit_commands (
       installation_id bigint      NOT NULL,
       comment_id      bigint      NOT NULL,
       repository      text        NOT NULL,
       issue_number    integer     NOT NULL,
       author          text        NOT NULL,
       command         text        NOT NULL,
       job_id          text        NOT NULL,
       outcome         text,
       reply           text,
       replied         boolean     NOT NULL DEFAULT false,
       received_at     timestamptz NOT NULL DEFAULT now(),
       finished_at     timestamptz,
       PRIMARY KEY (installation_id, comment_id)
     )`,
    `CREATE TABLE digest_dismissals (
       installation_id bigint      NOT NULL,
       home            text        NOT NULL,
       audit_id        text        NOT NULL,
       fingerprint     text        NOT NULL,
       reason          text        NOT NULL,
       note            text,
       actor           text        NOT NULL,
       created_at      timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (installation_id, home, audit_id, fingerprint)
     )`,
    `CREATE TABLE digest_mutes (
       installation_id bigint      NOT NULL,
       home            text        NOT NULL,
       audit_id        text        NOT NULL,
       pattern         text        NOT NULL,
       repo_key        text        NOT NULL DEFAULT '',
       until           date,
       actor           text        NOT NULL,
       created_at      timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (installation_id, home, audit_id, pattern, repo_key)
     )`,
    `CREATE TABLE suppression_events (
       id              bigserial   PRIMARY KEY,
       installation_id bigint      NOT NULL,
       home            text        NOT NULL,
       audit_id        text        NOT NULL,
       action          text        NOT NULL,
       reason          text,
       fingerprint     text,
       pattern         text,
       repo_key        text,
       until           date,
       note            text,
       actor           text        NOT NULL,
       comment_id      bigint,
       at              timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX suppression_events_digest ON suppression_events (installation_id, home, audit_id, at)`,
    `ALTER TABLE digests ADD COLUMN last_complete boolean NOT NULL DEFAULT true`,
  ],
};
