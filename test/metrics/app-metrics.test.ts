import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { freePort } from "../support/free-port.js";
import { freshDataDir } from "../support/fresh-data-dir.js";
import { createMigratedPostgresTestDatabase } from "../support/migrated-postgres-test-database.js";
import { startAcmeGitHub } from "../support/start-acme-github.js";
import { TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { testDatabaseUrl } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";
import { scrapeMetrics } from "./scrape-metrics.js";
import { waitFor } from "../support/wait-for.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** The app on a fresh PGlite data directory, its Octokit throttled as in production (waits shortened). */
async function startOnPglite(env: Record<string, string>): Promise<RunningApp> {
  const dataDir = await freshDataDir("metrics");
  const app = await startApp({
    config: testConfig({ DATA_DIR: dataDir, PORT: String(await freePort()), AUDIT_HMAC_KEYS: HMAC_KEYS, ...env }),
    log: pino({ level: "silent" }),
    octokit: { retryAfterBaseValue: 10 },
  });
  cleanups.push(() => app.stop());
  return app;
}

const SECONDARY_LIMIT = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

describe("/metrics of the running app", () => {
  it("counts an ingest, its digest, a command, every GitHub request and the webhook answers, on METRICS_PORT only", async () => {
    const { sim, host } = await startAcmeGitHub();
    const headSha = "e".repeat(40);
    const run = sim.createWorkflowRun({ repo: "acme/app", headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture()) }] });
    const metricsPort = await freePort();
    const app = await startOnPglite({ GHE_HOST: host, GHE_PROTOCOL: "http", METRICS_PORT: String(metricsPort) });
    expect(app.metricsPort).toBe(metricsPort);
    const hookUrl = `http://127.0.0.1:${app.port}/api/github/webhooks`;

    // The digest's first filing meets a secondary rate limit once: waited out in place, then filed.
    const limited = sim.injectFault({ route: "POST /repos/{owner}/{repo}/issues", status: 403, message: SECONDARY_LIMIT, retryAfter: 1, times: 1 });

    // 1. The CI run completes: the artifact is ingested and the digest filed.
    const completed = webhookExample("workflow_run", "completed", { installationId: 1 });
    completed.repository = sim.json.repository("acme/app");
    completed.workflow_run = sim.json.workflowRun("acme/app", run.id);
    expect(await sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: completed })).toBe(200);
    await waitFor("completed check run", () => (sim.checkRuns("acme/app", { headSha })[0]?.status === "completed" ? true : undefined));
    const digest = sim.issues("acme/app").find((issue) => issue.labels.includes("audit-digest"))!;
    expect(limited.fired).toBe(1);

    // 2. A maintainer asks `/audit status` on the digest: the app replies.
    const { id: commentId } = sim.addComment({ repo: "acme/app", issueNumber: digest.number, body: "/audit status", author: "maria" });
    const comment = webhookExample("issue_comment", "created", { installationId: 1 });
    comment.repository = sim.json.repository("acme/app");
    comment.issue = sim.json.issue("acme/app", digest.number);
    comment.comment = sim.json.comment("acme/app", commentId);
    comment.sender = comment.comment.user;
    expect(await sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event: "issue_comment", payload: comment })).toBe(200);
    await waitFor("command reply", () => (sim.issue("acme/app", digest.number)!.comments.some((c) => c.byApp && c.body.includes("/audit status")) ? true : undefined));

    // 3. A delivery signed with another secret is refused.
    expect(await sim.deliverWebhook({ url: hookUrl, secret: "not-the-secret", event: "workflow_run", payload: completed })).toBe(400);

    // The command's job is done once its ledger row says so; then every count is final.
    await waitFor("command finished", async () => {
      const { rows } = await app.db.query<{ outcome: string | null }>("SELECT outcome FROM audit_commands");
      return rows[0]?.outcome === "done" ? true : undefined;
    });
    const scrape = await scrapeMetrics(`http://127.0.0.1:${metricsPort}/metrics`);

    expect(scrape.series("audit_digest_ingests_total")).toEqual([{ labels: { verdict: "valid" }, value: 1 }]);
    expect(scrape.series("audit_digest_digests_total")).toEqual([{ labels: { outcome: "created" }, value: 1 }]);
    expect(scrape.series("audit_digest_commands_total")).toEqual([{ labels: { command: "status", outcome: "done" }, value: 1 }]);
    expect(scrape.series("audit_digest_github_secondary_rate_limits_total")).toEqual([{ labels: { action: "retried_in_place" }, value: 1 }]);
    expect(scrape.value("audit_digest_webhook_responses_total", { status_class: "2xx" })).toBe(2);
    expect(scrape.value("audit_digest_webhook_responses_total", { status_class: "4xx" })).toBe(1);
    expect(scrape.value("audit_digest_fallback_records_pending")).toBe(0);
    expect(scrape.value("audit_digest_queue_oldest_job_age_seconds", { queue: "ingest-workflow-run" })).toBe(0);
    expect(scrape.value("audit_digest_queue_oldest_job_age_seconds", { queue: "audit-command" })).toBe(0);

    // GitHub requests: the ones the simulator received, by method, route template and status class.
    const issuesPost = { method: "POST", route: "/repos/{owner}/{repo}/issues" };
    expect(scrape.value("audit_digest_github_requests_total", { ...issuesPost, status_class: "4xx" })).toBe(1);
    expect(scrape.value("audit_digest_github_requests_total", { ...issuesPost, status_class: "2xx" })).toBe(1);
    const received = new Map<string, number>();
    for (const request of sim.requests) {
      const [method, route] = request.route.split(" ") as [string, string];
      // The artifact's bytes, from the storage GitHub redirects to (not an API route).
      if (route.startsWith("/_blobs/")) continue;
      // fetch follows the artifact download's redirect: the request counts with the storage's answer.
      const statusClass = request.status === 302 ? "2xx" : `${Math.floor(request.status / 100)}xx`;
      const key = `${method} ${route} ${statusClass}`;
      received.set(key, (received.get(key) ?? 0) + 1);
    }
    const counted = new Map(
      scrape.series("audit_digest_github_requests_total").map(({ labels, value }) => [`${labels.method} ${labels.route} ${labels.status_class}`, value]),
    );
    expect(counted).toEqual(received);

    // With METRICS_PORT, the main port serves no /metrics; the metrics port serves nothing else.
    expect((await fetch(`http://127.0.0.1:${app.port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    sim.assertNoViolations();
  });

  it("serves /metrics on the main port when METRICS_PORT is unset", async () => {
    const { host } = await startAcmeGitHub();
    const app = await startOnPglite({ GHE_HOST: host, GHE_PROTOCOL: "http" });
    expect(app.metricsPort).toBeUndefined();
    const scrape = await scrapeMetrics(`http://127.0.0.1:${app.port}/metrics`);
    expect(scrape.names).toContain("audit_digest_ingests_total");
    expect(scrape.value("audit_digest_dead_letter_jobs")).toBe(0);
  });

  // A worker has no web listener: METRICS_PORT is how it is scraped. ROLE=worker needs PostgreSQL.
  it.runIf(testDatabaseUrl !== undefined || process.env.CI === "true")("serves a ROLE=worker process's metrics on METRICS_PORT", async () => {
    if (!testDatabaseUrl) throw new Error("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL test cannot be skipped in CI");
    const { host } = await startAcmeGitHub();
    const { db, databaseUrl, drop } = await createMigratedPostgresTestDatabase();
    await db.close();
    cleanups.push(drop);
    const metricsPort = await freePort();
    const app = await startApp({
      config: testConfig({ ROLE: "worker", DATABASE_URL: databaseUrl, METRICS_PORT: String(metricsPort), GHE_HOST: host, GHE_PROTOCOL: "http", SCHEDULES_ENABLED: "false" }),
      log: pino({ level: "silent" }),
    });
    cleanups.push(() => app.stop());
    expect(app.port).toBeUndefined();
    // A job deferred an hour ahead waits in its queue, but is not late.
    const deferred = { installationId: 9, deliveryId: null, trigger: "hourly", recordId: null, afterId: null };
    await app.queue.send("redrive-fallbacks", deferred, { startAfter: new Date(Date.now() + 3_600_000) });
    const scrape = await scrapeMetrics(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.value("audit_digest_queued_jobs", { queue: "redrive-fallbacks" })).toBe(1);
    expect(scrape.value("audit_digest_queue_oldest_job_age_seconds", { queue: "redrive-fallbacks" })).toBe(0);
  });
});
