import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { enqueueWebhookJobs, type WebhookDelivery } from "../../src/jobs/enqueue-webhook-job.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { WebhookJobBatcher } from "../../src/jobs/webhook-job-batcher.js";
import { databaseBackends } from "../support/database-backends.js";

const log = pino({ level: "silent" });


function ingestDelivery(deliveryId: string, { runId = 7, installationId = 12 }: { runId?: number; installationId?: number } = {}): WebhookDelivery<"ingest-workflow-run"> {
  return {
    event: "workflow_run",
    action: "completed",
    name: "ingest-workflow-run",
    data: { owner: "acme", repo: "service", runId, runAttempt: 1, headSha: "a".repeat(40), fromFork: false, installationId, deliveryId },
  };
}

/** Each recorded delivery with the job its row names, as the worker would find it. */
async function recordedWithJobs(db: Database) {
  const { rows } = await db.query<{ delivery_id: string; job_name: string; job_state: string | null; run_id: number | null }>(
    `SELECT d.delivery_id, d.job_name, j.state::text AS job_state, (j.data->>'runId')::int AS run_id
       FROM webhook_deliveries d LEFT JOIN pgboss.job j ON j.id::text = d.job_id
      ORDER BY d.delivery_id`,
  );
  return rows;
}


describe.each(databaseBackends)("webhook intake in batches on $name", (backend) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  });

  async function start() {
    const opened = await backend.open();
    const queue = await JobQueue.start({ db: opened.db, databaseUrl: opened.databaseUrl, log, supervise: false });
    cleanups.push(opened.cleanup, () => queue.stop(5));
    return { db: opened.db, queue };
  }

  it("records a batch with one job each; a delivery id repeated in the batch or seen in an earlier one enqueues nothing", async () => {
    const { db, queue } = await start();
    expect(await enqueueWebhookJobs({ db, queue, deliveries: [ingestDelivery("d-old", { runId: 1 })] })).toEqual(["enqueued"]);

    const outcomes = await enqueueWebhookJobs({
      db,
      queue,
      deliveries: [ingestDelivery("d-1", { runId: 2 }), ingestDelivery("d-old", { runId: 3 }), ingestDelivery("d-2", { runId: 4 }), ingestDelivery("d-1", { runId: 5 })],
    });

    expect(outcomes).toEqual(["enqueued", "duplicate", "enqueued", "duplicate"]);
    expect(await recordedWithJobs(db)).toEqual([
      { delivery_id: "d-1", job_name: "ingest-workflow-run", job_state: "created", run_id: 2 },
      { delivery_id: "d-2", job_name: "ingest-workflow-run", job_state: "created", run_id: 4 },
      { delivery_id: "d-old", job_name: "ingest-workflow-run", job_state: "created", run_id: 1 },
    ]);
    expect(await queue.size("ingest-workflow-run")).toBe(3);
  });

  it("gives a job the retry limit and delay, expiry, retention, dead-letter queue and policy JobQueue.send gives it", async () => {
    const { db, queue } = await start();
    await enqueueWebhookJobs({ db, queue, deliveries: [ingestDelivery("d-batched")] });
    const sentId = await queue.send("ingest-workflow-run", ingestDelivery("d-sent").data);
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT id::text = $1 AS sent, name, retry_limit, retry_delay, retry_backoff, expire_in::text AS expire_in, dead_letter, policy,
              date_trunc('minute', keep_until - created_on)::text AS kept_for, data->>'jobKind' AS job_kind, state::text AS state
         FROM pgboss.job WHERE name = 'ingest-workflow-run' ORDER BY sent`,
      [sentId],
    );
    expect(rows).toHaveLength(2);
    const [batched, sent] = rows as [Record<string, unknown>, Record<string, unknown>];
    expect({ ...batched, sent: true }).toEqual(sent);
  });

  it("refuses a batch with a job that names no installation, writing nothing", async () => {
    const { db, queue } = await start();
    await expect(
      enqueueWebhookJobs({ db, queue, deliveries: [ingestDelivery("d-1"), ingestDelivery("d-2", { installationId: 0 })] }),
    ).rejects.toThrow('Job "ingest-workflow-run" refused: installationId must be a positive whole number');
    expect(await recordedWithJobs(db)).toEqual([]);
  });

  it("when the database refuses one delivery of a batch, that one fails alone and the others are committed before they are answered", async () => {
    const { db, queue } = await start();
    const answered: Array<{ deliveryId: string; committed: boolean }> = [];
    const batcher = new WebhookJobBatcher({ write: (deliveries) => enqueueWebhookJobs({ db, queue, deliveries }) });
    const poison = { ...ingestDelivery("d-poison"), action: "completed\u0000" }; // text cannot hold NUL: PostgreSQL refuses it
    const settle = (delivery: WebhookDelivery) =>
      batcher.enqueue(delivery).then(async (outcome) => {
        const rows = await recordedWithJobs(db);
        answered.push({ deliveryId: delivery.data.deliveryId, committed: rows.some((row) => row.delivery_id === delivery.data.deliveryId && row.job_state === "created") });
        return outcome;
      });

    const results = await Promise.allSettled([settle(ingestDelivery("d-1")), settle(poison), settle(ingestDelivery("d-2")), settle(ingestDelivery("d-1"))]);

    expect(results.map((result) => (result.status === "fulfilled" ? result.value : "rejected"))).toEqual(["enqueued", "rejected", "enqueued", "duplicate"]);
    expect(answered.sort((a, b) => a.deliveryId.localeCompare(b.deliveryId))).toEqual([
      { deliveryId: "d-1", committed: true },
      { deliveryId: "d-1", committed: true },
      { deliveryId: "d-2", committed: true },
    ]);
    expect((await recordedWithJobs(db)).map((row) => row.delivery_id)).toEqual(["d-1", "d-2"]);
  });
});
