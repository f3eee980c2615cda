import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { findLatestIngestForSha } from "../../src/ingest/ingest-ledger.js";
import { jobHandlers } from "../../src/job-handlers.js";
import type { JobHandler } from "../../src/jobs/job-handler.js";
import type { JobData, JobName } from "../../src/jobs/job-payloads.js";
import { runQueuedJob } from "../../src/jobs/run-queued-job.js";
import { completeStaleChecks } from "../../src/schedules/complete-stale-checks.js";
import { pruneCompletedCheckRuns } from "../../src/schedules/prune-completed-check-runs.js";
import { pruneIngestLedger } from "../../src/schedules/prune-ingest-ledger.js";
import { pruneResolvedFindings } from "../../src/schedules/prune-resolved-findings.js";
import { purgeDeletedInstallations } from "../../src/schedules/purge-deleted-installations.js";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { drainQueuedJobs } from "./drain-queued-jobs.js";

const OTHER_INSTALLATION = 2;
const OTHER_OWNER = "globex";
const OTHER_REPO = "svc";
const PERMISSIONS = { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" } as const;

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

/** The app's harness with a second installation (another organisation) beside the first. */
async function setup(env: Record<string, string> = {}) {
  harness = await createAppHarness({ env });
  harness.sim.createInstallation({ id: OTHER_INSTALLATION, account: OTHER_OWNER, permissions: { ...PERMISSIONS } });
  harness.sim.createRepository({ owner: OTHER_OWNER, name: OTHER_REPO });
}

/** Runs a job for an installation the way a worker does; resolves to its error, if it failed. */
async function runAs<N extends JobName>(installationId: number, name: N, data: Omit<JobData<N>, "installationId" | "deliveryId">): Promise<unknown> {
  const job = { id: randomUUID(), name, data: { ...data, installationId, deliveryId: null } as JobData<N> };
  return runQueuedJob(job, jobHandlers[name] as JobHandler<N>, harness.runner).then(
    () => undefined,
    (error: unknown) => error,
  );
}

function syncData(action: string, account: string, suspended: boolean) {
  return { action, accountLogin: account, accountType: "Organization", permissions: { ...PERMISSIONS }, suspended, repositories: null };
}

async function ingest(installationId: number, owner: string, repo: string, headSha: string) {
  const run = harness.sim.createWorkflowRun({
    repo: `${owner}/${repo}`,
    headSha,
    artifacts: [
      {
        name: "consumer-artifact",
        json: producedBy(artifactFixture({ org_unregistered_hits: [hit({ repo: `${owner}/${repo}`, path: "src/a.ts", line_number: 1, pattern: "payments-api" })] })),
      },
    ],
  });
  expect(await runAs(installationId, "ingest-workflow-run", { owner, repo, runId: run.id, runAttempt: 1, headSha, fromFork: false })).toBeUndefined();
}

/** Rows per table with an installation_id column, for one installation. */
async function rowsPerTable(installationId: number): Promise<Record<string, number>> {
  const { rows: tables } = await harness.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'installation_id' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const { rows } = await harness.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table_name} WHERE installation_id = $1`, [installationId]);
    counts[table_name] = rows[0]!.n;
  }
  return counts;
}

describe("pruning", () => {
  it("removes superseded ingest attempts after LEDGER_RETENTION_DAYS and every ingest after HISTORY_RETENTION_DAYS, keeping each commit's latest for Re-run ingest", async () => {
    await setup({ LEDGER_RETENTION_DAYS: "30", HISTORY_RETENTION_DAYS: "90" });
    const [a, b, c] = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];
    await harness.db.query(
      `INSERT INTO ingests (installation_id, repository, run_id, run_attempt, head_sha, verdict, ingested_at) VALUES
         (1, 'acme/app', 10, 1, $1, 'valid', now() - interval '40 days'),
         (1, 'acme/app', 10, 2, $1, 'valid', now() - interval '35 days'),
         (1, 'acme/app', 11, 1, $2, 'valid', now() - interval '100 days'),
         (1, 'acme/app', 12, 1, $3, 'valid', now() - interval '10 days'),
         (1, 'acme/app', 12, 2, $3, 'valid', now() - interval '9 days')`,
      [a, b, c],
    );

    await pruneIngestLedger.run(harness.taskContext);

    const { rows } = await harness.db.query<{ run_id: string; run_attempt: number }>("SELECT run_id::text, run_attempt FROM ingests ORDER BY run_id, run_attempt");
    expect(rows).toEqual([
      { run_id: "10", run_attempt: 2 },
      { run_id: "12", run_attempt: 1 },
      { run_id: "12", run_attempt: 2 },
    ]);
    expect(await findLatestIngestForSha(harness.db, { installationId: 1, repository: "acme/app", headSha: a })).toEqual({ runId: 10, runAttempt: 2 });
  });

  it("forgets findings resolved longer than HISTORY_RETENTION_DAYS ago, but never open or suppressed ones, nor those the digest's latest artifact resolved", async () => {
    await setup({ HISTORY_RETENTION_DAYS: "90" });
    await harness.db.query(
      `INSERT INTO digests (installation_id, home, audit_id, repository, issue_number, last_generated_at, last_content_sha256, state) VALUES
         (1, 'acme/app', 'live', 'acme/app', 1, now() - interval '5 days', 'x', 'open'),
         (1, 'acme/app', 'quiet', 'acme/app', 2, now() - interval '120 days', 'x', 'closed')`,
    );
    const finding = (audit: string, fingerprint: string, status: string, resolvedDaysAgo: number | null) =>
      harness.db.query(
        `INSERT INTO digest_findings (installation_id, home, audit_id, fingerprint, status, first_seen_at, last_seen_at, resolved_at, hit)
         VALUES (1, 'acme/app', $1, $2, $3, now() - interval '200 days', now() - interval '150 days',
                 CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(days => $4::int) END, '{}'::jsonb)`,
        [audit, fingerprint, status, resolvedDaysAgo],
      );
    await finding("live", "open-old", "open", null);
    await finding("live", "suppressed-old", "suppressed", null);
    await finding("live", "resolved-long-ago", "resolved", 100);
    await finding("live", "resolved-recently", "resolved", 10);
    // The quiet digest's last artifact, 120 days ago, resolved this one: the digest still shows it.
    await harness.db.query("UPDATE digests SET last_generated_at = now() - interval '120 days' WHERE audit_id = 'quiet'");
    await harness.db.query(
      `INSERT INTO digest_findings (installation_id, home, audit_id, fingerprint, status, first_seen_at, last_seen_at, resolved_at, hit)
       SELECT 1, 'acme/app', 'quiet', 'resolved-by-latest', 'resolved', now() - interval '200 days', now() - interval '150 days', last_generated_at, '{}'::jsonb
       FROM digests WHERE audit_id = 'quiet'`,
    );

    await pruneResolvedFindings.run(harness.taskContext);

    const { rows } = await harness.db.query<{ audit_id: string; fingerprint: string }>("SELECT audit_id, fingerprint FROM digest_findings ORDER BY audit_id, fingerprint");
    expect(rows).toEqual([
      { audit_id: "live", fingerprint: "open-old" },
      { audit_id: "live", fingerprint: "resolved-recently" },
      { audit_id: "live", fingerprint: "suppressed-old" },
      { audit_id: "quiet", fingerprint: "resolved-by-latest" },
    ]);
  });

  it("forgets check runs completed longer than HISTORY_RETENTION_DAYS ago and keeps waiting ones", async () => {
    await setup({ HISTORY_RETENTION_DAYS: "90" });
    await harness.db.query(
      `INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status, updated_at) VALUES
         (1, 'acme/app', 'old-done', 1, 'completed', now() - interval '100 days'),
         (1, 'acme/app', 'recent-done', 2, 'completed', now() - interval '10 days'),
         (1, 'acme/app', 'old-waiting', 3, 'queued', now() - interval '100 days')`,
    );

    await pruneCompletedCheckRuns.run(harness.taskContext);

    const { rows } = await harness.db.query<{ head_sha: string }>("SELECT head_sha FROM check_runs ORDER BY head_sha");
    expect(rows.map((row) => row.head_sha)).toEqual(["old-waiting", "recent-done"]);
  });
});

describe("installations", () => {
  it("a suspended installation's job reaches no GitHub endpoint and waits; unsuspended, it runs", async () => {
    await setup();
    expect(await runAs(INSTALLATION_ID, "sync-installation", syncData("installation.suspend", OWNER, true))).toBeUndefined();
    harness.sim.resetLog();
    const headSha = "d".repeat(40);

    expect(await runAs(INSTALLATION_ID, "prepare-check-run", { owner: OWNER, repo: REPO, headSha, pullNumber: 3 })).toBeUndefined();

    expect(harness.sim.requests).toEqual([]);
    const waiting = await harness.db.query<{ job_name: string }>("SELECT job_name FROM waiting_jobs WHERE installation_id = $1", [INSTALLATION_ID]);
    expect(waiting.rows).toEqual([{ job_name: "prepare-check-run" }]);

    expect(await runAs(INSTALLATION_ID, "sync-installation", syncData("installation.unsuspend", OWNER, false))).toBeUndefined();
    expect((await harness.db.query("SELECT id FROM waiting_jobs")).rows).toEqual([]);
    expect(await drainQueuedJobs(harness, ["prepare-check-run"])).toEqual([{ name: "prepare-check-run", installationId: INSTALLATION_ID, error: undefined }]);
    expect(harness.sim.checkRuns(`${OWNER}/${REPO}`, { headSha }).map((check) => check.status)).toEqual(["queued"]);
  });

  it("a deleted installation's job is dropped without a GitHub request", async () => {
    await setup();
    expect(await runAs(INSTALLATION_ID, "sync-installation", syncData("installation.deleted", OWNER, false))).toBeUndefined();
    harness.sim.resetLog();

    expect(await runAs(INSTALLATION_ID, "prepare-check-run", { owner: OWNER, repo: REPO, headSha: "e".repeat(40), pullNumber: 4 })).toBeUndefined();

    expect(harness.sim.requests).toEqual([]);
    expect((await harness.db.query("SELECT id FROM waiting_jobs")).rows).toEqual([]);
    expect((await harness.db.query("SELECT head_sha FROM check_runs")).rows).toEqual([]);
  });

  it("a deleted installation's data is purged after INSTALLATION_PURGE_DAYS, and another installation's is untouched", async () => {
    await setup({ INSTALLATION_PURGE_DAYS: "30" });
    for (const [installationId, owner, repo] of [
      [INSTALLATION_ID, OWNER, REPO],
      [OTHER_INSTALLATION, OTHER_OWNER, OTHER_REPO],
    ] as const) {
      expect(await runAs(installationId, "sync-installation", syncData("installation.created", owner, false))).toBeUndefined();
      await ingest(installationId, owner, repo, "f".repeat(40));
      await harness.db.query(
        "INSERT INTO webhook_deliveries (delivery_id, job_name, event, installation_id) VALUES ($1, 'ingest-workflow-run', 'workflow_run', $2)",
        [`delivery-${installationId}`, installationId],
      );
    }
    const before = await rowsPerTable(INSTALLATION_ID);
    for (const table of ["digests", "digest_findings", "ingests", "check_runs", "repository_labels", "webhook_deliveries", "installations"]) {
      expect([table, before[table]]).toEqual([table, expect.any(Number)]);
      expect(before[table]).toBeGreaterThan(0);
    }
    const otherBefore = await rowsPerTable(OTHER_INSTALLATION);
    expect(await runAs(INSTALLATION_ID, "sync-installation", syncData("installation.deleted", OWNER, false))).toBeUndefined();

    // Within the grace period nothing is purged.
    await harness.db.query("UPDATE installations SET deleted_at = now() - interval '29 days' WHERE installation_id = $1", [INSTALLATION_ID]);
    await purgeDeletedInstallations.run(harness.taskContext);
    expect(await drainQueuedJobs(harness, ["purge-installation"])).toEqual([]);
    expect(await rowsPerTable(INSTALLATION_ID)).toEqual(before);

    await harness.db.query("UPDATE installations SET deleted_at = now() - interval '31 days' WHERE installation_id = $1", [INSTALLATION_ID]);
    await purgeDeletedInstallations.run(harness.taskContext);
    expect(await drainQueuedJobs(harness, ["purge-installation"])).toEqual([{ name: "purge-installation", installationId: INSTALLATION_ID, error: undefined }]);

    const after = await rowsPerTable(INSTALLATION_ID);
    expect(Object.entries(after).filter(([table, count]) => table !== "installations" && count > 0)).toEqual([]);
    const tombstone = await harness.db.query<{ deleted: boolean; purged: boolean }>(
      "SELECT deleted, purged_at IS NOT NULL AS purged FROM installations WHERE installation_id = $1",
      [INSTALLATION_ID],
    );
    expect(tombstone.rows).toEqual([{ deleted: true, purged: true }]);
    expect(await rowsPerTable(OTHER_INSTALLATION)).toEqual(otherBefore);

    // Purged once: the next run sends nothing.
    await purgeDeletedInstallations.run(harness.taskContext);
    expect(await drainQueuedJobs(harness, ["purge-installation"])).toEqual([]);
  });
});

describe("fan-out", () => {
  it("sends one stale-check job per installation; the one GitHub fails for fails alone and the other's checks complete", async () => {
    await setup({ STALE_CHECK_HOURS: "6" });
    const headSha = "a1".repeat(20);
    expect(await runAs(OTHER_INSTALLATION, "prepare-check-run", { owner: OTHER_OWNER, repo: OTHER_REPO, headSha, pullNumber: 1 })).toBeUndefined();
    // The first installation's gate check was queued earlier; now GitHub refuses every token it
    // is asked to mint (422), and only the first installation has none yet.
    await harness.db.query(
      "INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status) VALUES ($1, $2, $3, 777, 'queued')",
      [INSTALLATION_ID, `${OWNER}/${REPO}`, headSha],
    );
    harness.sim.injectFault({ route: "POST /app/installations/{installation_id}/access_tokens", status: 422 });
    await harness.db.query("UPDATE check_runs SET updated_at = now() - interval '7 hours'");

    await completeStaleChecks.run(harness.taskContext);
    const drained = await drainQueuedJobs(harness, ["complete-stale-checks"]);

    expect(drained.map((job) => [job.installationId, job.error === undefined ? "completed" : "failed"])).toEqual([
      [INSTALLATION_ID, "failed"],
      [OTHER_INSTALLATION, "completed"],
    ]);
    expect(drained[0]!.error).toMatchObject({ status: 422 });
    const [other] = harness.sim.checkRuns(`${OTHER_OWNER}/${OTHER_REPO}`, { headSha });
    expect([other?.status, other?.conclusion]).toEqual(["completed", "neutral"]);
    const { rows } = await harness.db.query<{ installation_id: string; status: string }>("SELECT installation_id::text, status FROM check_runs ORDER BY installation_id");
    expect(rows).toEqual([
      { installation_id: "1", status: "queued" },
      { installation_id: "2", status: "completed" },
    ]);
  });

  it("leaves suspended and deleted installations out of the fan-out", async () => {
    await setup({ STALE_CHECK_HOURS: "6" });
    const headSha = "b2".repeat(20);
    expect(await runAs(INSTALLATION_ID, "prepare-check-run", { owner: OWNER, repo: REPO, headSha, pullNumber: 1 })).toBeUndefined();
    expect(await runAs(OTHER_INSTALLATION, "prepare-check-run", { owner: OTHER_OWNER, repo: OTHER_REPO, headSha, pullNumber: 1 })).toBeUndefined();
    await harness.db.query("UPDATE check_runs SET updated_at = now() - interval '7 hours'");
    expect(await runAs(INSTALLATION_ID, "sync-installation", syncData("installation.suspend", OWNER, true))).toBeUndefined();

    await completeStaleChecks.run(harness.taskContext);

    const { rows } = await harness.db.query<{ installation_id: number }>(
      "SELECT (data->>'installationId')::int AS installation_id FROM pgboss.job WHERE name = 'complete-stale-checks' AND state = 'created'",
    );
    expect(rows).toEqual([{ installation_id: OTHER_INSTALLATION }]);
  });
});

describe("a job without an installation", () => {
  it("is refused by the worker: no handler runs, nothing reaches GitHub, and it is dead-lettered without retries", async () => {
    await setup();
    harness.sim.resetLog();
    // Written to the queue by something other than the app's own send, which refuses it.
    await harness.db.query(
      "INSERT INTO pgboss.job (name, data, retry_limit, retry_delay, dead_letter) VALUES ('prepare-check-run', $1::jsonb, 3, 30, 'dead-letter')",
      [JSON.stringify({ owner: OWNER, repo: REPO, headSha: "c".repeat(40), pullNumber: 9, deliveryId: null, jobKind: "prepare-check-run" })],
    );
    await harness.queue.work("prepare-check-run", { concurrency: 1, pollIntervalSeconds: 0.5 }, (job) =>
      runQueuedJob(job, jobHandlers["prepare-check-run"], harness.runner),
    );

    const started = Date.now();
    while ((await harness.queue.deadLetterCount()) === 0) {
      if (Date.now() - started > 20_000) throw new Error("the job was not dead-lettered");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(harness.sim.requests).toEqual([]);
    const { rows } = await harness.db.query<{ retry_count: number; state: string }>("SELECT retry_count, state FROM pgboss.job WHERE name = 'prepare-check-run'");
    expect(rows).toEqual([{ retry_count: 0, state: "failed" }]);
    const dead = await harness.db.query<{ output: { message: string } }>("SELECT output FROM pgboss.job WHERE name = 'dead-letter'");
    expect(dead.rows[0]?.output.message).toBe(
      'Job "prepare-check-run" refused: installationId must be a positive whole number naming the installation the job runs for (given: none)',
    );
  });
});
