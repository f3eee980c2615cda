import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { databaseBackends } from "../support/database-backends.js";
import { parseMetricsText } from "./scrape-metrics.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function scrape(harness: AppHarness) {
  return parseMetricsText(await harness.runner.metrics.registry.metrics());
}

describe.each(databaseBackends)("gauges read at scrape time ($name)", (backend) => {
  it("count the fallback records waiting to be filed and the age of each queue's oldest job that may run", async () => {
    const { db, databaseUrl, cleanup } = await backend.open();
    cleanups.push(cleanup);
    // The installation may not write issues: each ingest's digest becomes a fallback record.
    const harness = await createAppHarness({
      db,
      env: databaseUrl ? { DATABASE_URL: databaseUrl } : {},
      permissions: { actions: "read", checks: "write", issues: "read", contents: "read", metadata: "read" },
    });
    cleanups.push(() => harness.close());
    for (const [i, auditId] of ["audit-one", "audit-two"].entries()) {
      const headSha = String(i + 1).repeat(40);
      const json = producedBy(artifactFixture({ audit_id: auditId }));
      const run = harness.sim.createWorkflowRun({ repo: `${OWNER}/${REPO}`, headSha, artifacts: [{ name: "consumer-artifact", json }] });
      await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
    }
    let metrics = await scrape(harness);
    expect(metrics.value("audit_digest_fallback_records_pending")).toBe(2);
    expect(metrics.series("audit_digest_ingests_total")).toEqual([{ labels: { verdict: "valid" }, value: 2 }]);
    expect(metrics.series("audit_digest_digests_total")).toEqual([]);

    // A record past its expiry waits for the hourly delete, but is no longer waiting to be filed.
    await db.query("UPDATE fallback_records SET expires_at = now() - interval '1 minute' WHERE audit_id = 'audit-one'");
    // No worker runs here: a job that may run since an hour ago is an hour old; one that starts in an hour is not late.
    const job = { installationId: 1, deliveryId: null, trigger: "hourly", recordId: null, afterId: null };
    await harness.queue.send("redrive-fallbacks", job, { startAfter: new Date(Date.now() - 3_600_000) });
    await harness.queue.send("complete-stale-checks", { installationId: 1, deliveryId: null }, { startAfter: new Date(Date.now() + 3_600_000) });
    metrics = await scrape(harness);
    expect(metrics.value("audit_digest_fallback_records_pending")).toBe(1);
    expect(metrics.value("audit_digest_queue_oldest_job_age_seconds", { queue: "redrive-fallbacks" })).toBeGreaterThanOrEqual(3600);
    expect(metrics.value("audit_digest_queued_jobs", { queue: "complete-stale-checks" })).toBe(1);
    expect(metrics.value("audit_digest_queue_oldest_job_age_seconds", { queue: "complete-stale-checks" })).toBe(0);
    expect(metrics.value("audit_digest_queue_oldest_job_age_seconds", { queue: "ingest-workflow-run" })).toBe(0);
  });
});
