import type { Migration } from "./migration.js";

/** Failed webhook deliveries the app asked GitHub to send again, and how often. */
export const webhookRedeliveries: Migration = {
  id: "006-webhook-redeliveries",
  statements: [
    `CREATE TABLE webhook_redeliveries (
       guid            text        PRIMARY KEY,
       attempts        integer     NOT NULL,
       last_attempt_at timestamptz NOT NULL DEFAULT now()
     )`,
  ],
};
