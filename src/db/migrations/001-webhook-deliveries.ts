import type { Migration } from "./migration.js";

/** Webhook deliveries taken in, so a redelivered delivery id enqueues its work only once. */
export const webhookDeliveries: Migration = {
  id: "001-webhook-deliveries",
  statements: [
    `CREATE TABLE webhook_deliveries (
       delivery_id     text        NOT NULL,
       job_name        text        NOT NULL,
       event           text        NOT NULL,
       action          text,
       installation_id bigint      NOT NULL,
       job_id          text,
       received_at     timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (delivery_id, job_name)
     )`,
    `CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at)`,
  ],
};
