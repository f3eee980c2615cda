import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../src/db/create-postgres-database.js";
import type { Database } from "../../src/db/database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import type { JobData } from "../../src/jobs/job-payloads.js";
import { createPostgresTestDatabase, createTestDatabase, testDatabaseUrl } from "../support/test-database.js";

const log = pino({ level: "silent" });
const syncData = (deliveryId: string): JobData<"sync-installation"> & { deliveryId: string } => ({
  installationId: 7,
  deliveryId,
  action: "installation.created",
  accountLogin: "octo-org",
  accountType: "Organization",
  permissions: { issues: "write" },
  suspended: false,
  repositories: null,
});

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Backend {
  name: string;
  open(): Promise<{ db: Database; databaseUrl: string | undefined; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "PGlite",
    async open() {
      const db = await createTestDatabase();
      return { db, databaseUrl: undefined, cleanup: () => db.close() };
    },
  },
];
if (testDatabaseUrl) {
  backends.push({
    name: "PostgreSQL",
    async open() {
      const target = await createPostgresTestDatabase();
      const db = createPostgresDatabase({ url: target.url });
      await runMigrations({ db });
      return {
        db,
        databaseUrl: target.url,
        async cleanup() {
          await db.close();
          await target.drop();
        },
      };
    },
  });
}

describe.each(backends)("job queue on $name", (backend) => {
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
    const first = await enqueueWebhookJob({ db, queue, event: "installation", action: "created", name: "sync-installation", data: syncData("d-1") });
    const again = await enqueueWebhookJob({ db, queue, event: "installation", action: "created", name: "sync-installation", data: syncData("d-1") });
    expect([first, again]).toEqual(["enqueued", "duplicate"]);
    expect(await queue.size("sync-installation")).toBe(1);
    const { rows } = await db.query<{ job_id: string | null }>("SELECT job_id FROM webhook_deliveries WHERE delivery_id = 'd-1'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.job_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("retries a failing job with backoff, then moves it to the dead-letter queue", async () => {
    const { queue } = await start({
      "sync-installation": { retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 30 },
    });
    let attempts = 0;
    await queue.work("sync-installation", { concurrency: 1, pollIntervalSeconds: 0.5 }, () => {
      attempts++;
      return Promise.reject(new Error("GitHub answered 502"));
    });
    await queue.send("sync-installation", syncData("d-2"));
    await until(async () => (await queue.deadLetterCount()) === 1);
    expect(attempts).toBe(2);
    const metrics = await createMetrics({ queue }).registry.getSingleMetricAsString("audit_digest_dead_letter_jobs");
    expect(metrics).toContain("audit_digest_dead_letter_jobs 1");
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
    await queue.send("sync-installation", syncData("d-3"));
    await until(() => Promise.resolve(started));
    await queue.stop(10);
    expect(finished).toEqual(["d-3"]);
  });
});
