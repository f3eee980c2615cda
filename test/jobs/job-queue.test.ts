import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import type { JobData } from "../../src/jobs/job-payloads.js";
import { databaseBackends } from "../support/database-backends.js";
import { waitUntil } from "../support/wait-for.js";
import { syncInstallationJob } from "../support/sync-installation-job.js";

const log = pino({ level: "silent" });

async function jobRow(db: Database, id: string) {
  const { rows } = await db.query<{ state: string; retry_count: number; start_after: Date }>(
    "SELECT state, retry_count, start_after FROM pgboss.job WHERE id = $1",
    [id],
  );
  return rows[0] ? { ...rows[0], start_after: new Date(rows[0].start_after) } : undefined;
}

describe.each(databaseBackends)("job queue on $name", (backend) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function start(policies?: Parameters<typeof JobQueue.start>[0]["policies"]) {
    const opened = await backend.open();
    const queue = await JobQueue.start({ db: opened.db, databaseUrl: opened.databaseUrl, log, supervise: true, policies });
    cleanup.push(opened.cleanup, () => queue.stop(5));
    return { db: opened.db, queue };
  }

  it("enqueues a delivery once however often GitHub redelivers it", async () => {
    const { db, queue } = await start();
    const first = await enqueueWebhookJob({ db, queue, event: "installation", action: "created", name: "sync-installation", data: syncInstallationJob("d-1") });
    const again = await enqueueWebhookJob({ db, queue, event: "installation", action: "created", name: "sync-installation", data: syncInstallationJob("d-1") });
    expect([first, again]).toEqual(["enqueued", "duplicate"]);
    expect(await queue.size("sync-installation")).toBe(1);
    const { rows } = await db.query<{ job_id: string | null }>("SELECT job_id FROM webhook_deliveries WHERE delivery_id = 'd-1'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.job_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("retries a failing job 30 s, 5 min and 30 min after its failures, then moves it to the dead-letter queue with its kind and error", async () => {
    const { db, queue } = await start();
    let attempts = 0;
    await queue.work("sync-installation", { concurrency: 1, pollIntervalSeconds: 0.5 }, () => {
      attempts++;
      return Promise.reject(new Error(`GitHub answered 502 (attempt ${attempts})`));
    });
    const id = await queue.send("sync-installation", syncInstallationJob("d-2"));
    const waits: number[] = [];
    for (const expected of [30, 300, 1800]) {
      const failedAfter = Date.now();
      await waitUntil(async () => (await jobRow(db, id!))?.retry_count === waits.length && (await jobRow(db, id!))?.state === "retry");
      const seen = Date.now();
      const row = (await jobRow(db, id!))!;
      // The retry is due `expected` seconds after the failure, which happened between the two clock readings.
      expect(row.start_after.getTime()).toBeGreaterThanOrEqual(failedAfter + expected * 1000 - 1);
      expect(row.start_after.getTime()).toBeLessThanOrEqual(seen + expected * 1000 + 1);
      waits.push(expected);
      // Let the wait pass at once instead of sleeping through it.
      await db.query("UPDATE pgboss.job SET start_after = now() WHERE id = $1", [id]);
    }
    await waitUntil(async () => (await queue.deadLetterCount()) === 1);
    expect(attempts).toBe(4);
    const { rows } = await db.query<{ data: Record<string, unknown>; output: { message: string } }>(
      "SELECT data, output FROM pgboss.job WHERE name = 'dead-letter'",
    );
    expect(rows).toEqual([{ data: expect.objectContaining({ jobKind: "sync-installation", installationId: 7, deliveryId: "d-2" }), output: expect.objectContaining({ message: "GitHub answered 502 (attempt 4)" }) }]);
    const metrics = await createMetrics({ queue, db }).registry.getSingleMetricAsString("audit_digest_dead_letter_jobs");
    expect(metrics).toContain("audit_digest_dead_letter_jobs 1");
  });

  it("refuses to send a job that names no installation, and enqueues nothing", async () => {
    const { queue } = await start();
    for (const installationId of [undefined, 0, -3, 1.5, "7"]) {
      const data = { ...syncInstallationJob("d-5"), installationId } as unknown as JobData<"sync-installation">;
      await expect(queue.send("sync-installation", data)).rejects.toThrow(
        `Job "sync-installation" refused: installationId must be a positive whole number naming the installation the job runs for (given: ${installationId === undefined ? "none" : JSON.stringify(installationId)})`,
      );
    }
    expect(await queue.size("sync-installation")).toBe(0);
  });

  it("lets a running job finish when the queue stops", async () => {
    const { queue } = await start();
    const finished: string[] = [];
    let started = false;
    await queue.work("sync-installation", { concurrency: 1, pollIntervalSeconds: 0.5 }, async (job) => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      finished.push(job.data.deliveryId ?? "");
    });
    await queue.send("sync-installation", syncInstallationJob("d-3"));
    await waitUntil(() => Promise.resolve(started));
    await queue.stop(10);
    expect(finished).toEqual(["d-3"]);
  });
});
