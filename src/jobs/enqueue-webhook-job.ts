import type { Database } from "../db/database.js";
import type { JobQueue } from "./job-queue.js";
import type { JobData, JobName } from "./job-payloads.js";

export interface EnqueueWebhookJobInput<N extends JobName> {
  db: Database;
  queue: JobQueue;
  event: string;
  action: string | undefined;
  name: N;
  data: JobData<N> & { deliveryId: string };
}

export type EnqueueOutcome = "enqueued" | "duplicate";

/**
 * Records the delivery and enqueues its job in one transaction: a delivery id seen before
 * (GitHub's redelivery keeps it) enqueues nothing, and a crash cannot leave one without the other.
 */
export async function enqueueWebhookJob<N extends JobName>({
  db,
  queue,
  event,
  action,
  name,
  data,
}: EnqueueWebhookJobInput<N>): Promise<EnqueueOutcome> {
  return db.transaction(async (tx) => {
    const recorded = await tx.query(
      `INSERT INTO webhook_deliveries (delivery_id, job_name, event, action, installation_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING
       RETURNING delivery_id`,
      [data.deliveryId, name, event, action ?? null, data.installationId],
    );
    if (recorded.rows.length === 0) return "duplicate";
    const jobId = await queue.send(name, data, { tx });
    await tx.query("UPDATE webhook_deliveries SET job_id = $1 WHERE delivery_id = $2 AND job_name = $3", [
      jobId,
      data.deliveryId,
      name,
    ]);
    return "enqueued";
  });
}
