import type { ScheduledTask } from "../jobs/scheduled-task.js";

/** Forgets delivery ids (and redelivery counts) older than the retention; a redelivery that old is no longer expected. */
export const pruneWebhookDeliveries: ScheduledTask = {
  name: "prune-webhook-deliveries",
  cron: "17 3 * * *",
  batchSize: 5_000,
  async run({ db, config, log, signal }) {
    let removed = 0;
    for (;;) {
      signal.throwIfAborted();
      const { rows } = await db.query<{ delivery_id: string }>(
        `DELETE FROM webhook_deliveries
         WHERE ctid IN (
           SELECT ctid FROM webhook_deliveries
           WHERE received_at < now() - make_interval(days => $1)
           LIMIT $2)
         RETURNING delivery_id`,
        [config.retention.ledgerDays, this.batchSize],
      );
      removed += rows.length;
      if (rows.length < this.batchSize) break;
    }
    const redeliveries = await db.query(
      "DELETE FROM webhook_redeliveries WHERE last_attempt_at < now() - make_interval(days => $1) RETURNING guid",
      [config.retention.ledgerDays],
    );
    log.info({ task: this.name, removed, redeliveriesRemoved: redeliveries.rows.length }, "old webhook deliveries pruned");
  },
};
