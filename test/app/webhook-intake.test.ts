import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { startApp, type RunningApp } from "../../src/start-app.js";
import { freePort } from "../support/free-port.js";
import { sendSignedWebhook } from "../support/send-signed-webhook.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testConfig, testPrivateKey } from "../support/test-config.js";
import { createTestDatabase } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";

const log = pino({ level: "silent" });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function deliveries(app: Pick<RunningApp, "db">) {
  const { rows } = await app.db.query<{ delivery_id: string; job_name: string; installation_id: string }>(
    "SELECT delivery_id, job_name, installation_id::text FROM webhook_deliveries ORDER BY received_at",
  );
  return rows;
}

describe("webhooks through probot.receive", () => {
  async function setup() {
    const db = await createTestDatabase();
    const queue = await JobQueue.start({ db, databaseUrl: undefined, log, supervise: false });
    cleanups.push(() => db.close(), () => queue.stop(5));
    const metrics = createMetrics({ queue, db });
    const probot = new Probot({ appId: TEST_APP_ID, privateKey: testPrivateKey, secret: TEST_WEBHOOK_SECRET, log });
    await probot.load(
      createApp({ log, metrics, enqueue: (input) => enqueueWebhookJob({ db, queue, ...input }) }),
    );
    return { db, queue, probot, metrics };
  }

  it("enqueues one prepare-check-run job for a pull request opened in an installation", async () => {
    const { db, queue, probot } = await setup();
    const payload = webhookExample("pull_request", "opened", { installationId: 99 });
    await probot.receive({ id: "delivery-pr-1", name: "pull_request", payload } as never);
    expect(await deliveries({ db })).toEqual([{ delivery_id: "delivery-pr-1", job_name: "prepare-check-run", installation_id: "99" }]);
    expect(await queue.size("prepare-check-run")).toBe(1);
  });

  it("re-runs the ingest for a re-requested gate check, and ignores other checks", async () => {
    const { db, queue, probot } = await setup();
    const other = webhookExample("check_run", "rerequested", { installationId: 3 });
    other.check_run.name = "some other check";
    await probot.receive({ id: "delivery-cr-1", name: "check_run", payload: other } as never);
    const ours = webhookExample("check_run", "rerequested", { installationId: 3 });
    ours.check_run.name = "Audit ingest gate";
    await probot.receive({ id: "delivery-cr-2", name: "check_run", payload: ours } as never);
    expect(await deliveries({ db })).toEqual([{ delivery_id: "delivery-cr-2", job_name: "rerun-ingest", installation_id: "3" }]);
    expect(await queue.size("rerun-ingest")).toBe(1);
  });

  it("enqueues the ingest of a completed workflow run, marking a fork's run", async () => {
    const { db, queue, probot } = await setup();
    const payload = webhookExample("workflow_run", "completed", { installationId: 4 });
    payload.workflow_run.head_repository = { ...payload.workflow_run.head_repository, full_name: "someone/fork" };
    await probot.receive({ id: "delivery-wr-1", name: "workflow_run", payload } as never);
    expect(await deliveries({ db })).toEqual([{ delivery_id: "delivery-wr-1", job_name: "ingest-workflow-run", installation_id: "4" }]);
    const { rows } = await db.query<{ data: { fromFork: boolean; runId: number } }>("SELECT data FROM pgboss.job WHERE name = 'ingest-workflow-run'");
    expect(rows.map((r) => [r.data.runId, r.data.fromFork])).toEqual([[payload.workflow_run.id, true]]);
    expect(await queue.size("ingest-workflow-run")).toBe(1);
  });

  it("drops an event without an installation id and enqueues nothing (fail closed)", async () => {
    const { db, queue, probot, metrics } = await setup();
    const payload = webhookExample("pull_request", "opened", { installationId: null });
    await probot.receive({ id: "delivery-pr-2", name: "pull_request", payload } as never);
    expect(await deliveries({ db })).toEqual([]);
    expect(await queue.size("prepare-check-run")).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString("audit_digest_webhook_events_total")).toContain(
      'audit_digest_webhook_events_total{event="pull_request",outcome="rejected"} 1',
    );
  });
});

describe("webhooks over HTTP to the running app", () => {
  /**
   * Starts the app on a PGlite data directory. `role: "web"` runs no workers, so what a
   * delivery enqueued stays in the queue to be looked at. The environment refuses ROLE=web on
   * PGlite because a deployment runs web and worker as separate processes; here the web process
   * is the only one using the directory, so the role is set on the parsed config.
   */
  async function start({ role = "all", dataDir, log: appLog = log }: { role?: "all" | "web"; dataDir?: string; log?: Logger } = {}) {
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), "audit-digest-app-"));
    if (!dataDir) {
      await (await createTestDatabase({ dataDir: dir })).close();
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    }
    const config = { ...testConfig({ DATA_DIR: dir, PORT: String(await freePort()) }), role };
    const app = await startApp({ config, log: appLog });
    cleanups.push(() => app.stop());
    return { app, dir, url: `http://127.0.0.1:${app.port}` };
  }

  it("accepts a signed delivery, rejects a bad signature, and enqueues a redelivery once", async () => {
    const { app, url } = await start({ role: "web" });
    const payload = webhookExample("pull_request", "synchronize", { installationId: 5 });
    const hook = `${url}/api/github/webhooks`;

    const forged = await sendSignedWebhook({ url: hook, event: "pull_request", payload, secret: "not-the-secret" });
    expect(forged.status).toBe(400);
    expect(await deliveries(app)).toEqual([]);

    const first = await sendSignedWebhook({ url: hook, event: "pull_request", payload, secret: TEST_WEBHOOK_SECRET, deliveryId: "guid-1" });
    const redelivery = await sendSignedWebhook({ url: hook, event: "pull_request", payload, secret: TEST_WEBHOOK_SECRET, deliveryId: "guid-1" });
    expect([first.status, redelivery.status]).toEqual([200, 200]);
    expect(await deliveries(app)).toEqual([{ delivery_id: "guid-1", job_name: "prepare-check-run", installation_id: "5" }]);
    expect(await app.queue.size("prepare-check-run")).toBe(1);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('audit_digest_webhook_events_total{event="pull_request",outcome="enqueued"} 1');
    expect(metrics).toContain('audit_digest_webhook_events_total{event="pull_request",outcome="duplicate"} 1');
    expect(metrics).toContain("audit_digest_dead_letter_jobs 0");
  });

  it("answers /healthz and /readyz; when the database is gone /readyz is 503 naming only the part, and the error is logged", async () => {
    const lines: string[] = [];
    const captured = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const { app, url } = await start({ role: "web", log: captured });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
    await app.db.close();
    const failure = await app.db.query("SELECT 1").then(
      () => new Error("the closed database still answered"),
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: "unavailable", problems: ["database unavailable", "job queue unavailable"] });
    expect(text).not.toContain(failure.message);
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; part?: string; err?: { message: string } });
    const database = logged.find((entry) => entry.msg === "readiness check: database unavailable");
    expect(database?.err?.message).toBe(failure.message);
    expect(logged.some((entry) => entry.msg === "readiness check: job queue unavailable")).toBe(true);
  });

  it("refuses to start without a webhook secret, rather than let Probot verify with its default one", async () => {
    const config = testConfig({ PORT: String(await freePort()) });
    await expect(startApp({ config: { ...config, github: { ...config.github, webhookSecret: undefined } }, log })).rejects.toThrow(
      "WEBHOOK_SECRET is required",
    );
  });

  it("runs a job enqueued before a restart after the restart, on the same DATA_DIR", async () => {
    const first = await start({ role: "web" });
    const payload = webhookExample("installation", "created", { installationId: 31 });
    const sent = await sendSignedWebhook({ url: `${first.url}/api/github/webhooks`, event: "installation", payload, secret: TEST_WEBHOOK_SECRET });
    expect(sent.status).toBe(200);
    await first.app.stop();

    const second = await start({ role: "all", dataDir: first.dir });
    const started = Date.now();
    let rows: Array<{ account_login: string; deleted: boolean }> = [];
    while (rows.length === 0 && Date.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = (await second.app.db.query<{ account_login: string; deleted: boolean }>(
        "SELECT account_login, deleted FROM installations WHERE installation_id = 31",
      )).rows;
    }
    expect(rows).toEqual([{ account_login: payload.installation.account.login, deleted: false }]);
  });
});
