import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseDigestMarker } from "../../src/digest/digest-marker.js";
import { CREATE_ATTEMPTS } from "../../src/github/create-once.js";
import { jobHandlers } from "../../src/job-handlers.js";
import type { JobData } from "../../src/jobs/job-payloads.js";
import { jobPolicies } from "../../src/jobs/job-policies.js";
import { runQueuedJob } from "../../src/jobs/run-queued-job.js";
import { createAppHarness, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";
import { throttledOctokit } from "../support/throttled-octokit.js";

type IngestData = JobData<"ingest-workflow-run">;

const INSTALLATIONS = 10;
const AUDITS_PER_INSTALLATION = 1;
const PERMISSIONS = { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" } as const;
const CREATE_ISSUE = "POST /repos/{owner}/{repo}/issues";
const CREATE_CHECK_RUN = "POST /repos/{owner}/{repo}/check-runs";
/** Attempts a job gets before it is dead-lettered: the first and one per retry delay. */
const MAX_ATTEMPTS = 1 + jobPolicies["ingest-workflow-run"].retryDelays.length;

let harness: AppHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Three scans of one audit_id: A and B; then A alone (B fixed); then A and C. The newest leaves A and C open. */
function scans(owner: string, auditId: string) {
  const finding = (name: string) => hit({ repo: `${owner}/app`, path: `src/${auditId}-${name}.ts`, line_number: 3, pattern: `pattern-${name}` });
  return [
    { generatedAt: "2026-11-20T10:00:00Z", hits: [finding("a"), finding("b")] },
    { generatedAt: "2026-11-20T11:00:00Z", hits: [finding("a")] },
    { generatedAt: "2026-11-20T12:00:00Z", hits: [finding("a"), finding("c")] },
  ].map(({ generatedAt, hits }) => artifactFixture({ audit_id: auditId, generated_at: generatedAt, org_unregistered_hits: hits }));
}

/**
 * Runs every queued ingest the way the queue would, `concurrency` at a time: a failed attempt
 * goes back to the queue (without its delay) until its retries are spent, when it is dead-lettered;
 * a deferred job (rate limit) comes back from the queue table, spending no retry.
 */
async function work(app: AppHarness, jobs: IngestData[], concurrency: number) {
  const pending: Array<{ id: string; data: IngestData; attempts: number }> = jobs.map((data) => ({ id: randomUUID(), data, attempts: 0 }));
  const attemptsByJob = new Map<string, number>();
  let deadLettered = 0;
  let failedAttempts = 0;
  let deferred = 0;
  const takeDeferred = async () => {
    const { rows } = await app.db.query<{ id: string; data: IngestData & { jobKind?: string } }>(
      "DELETE FROM pgboss.job WHERE name = 'ingest-workflow-run' AND state = 'created' RETURNING id::text, data",
    );
    for (const { id, data } of rows) {
      const { jobKind: _kind, ...rest } = data;
      deferred += 1;
      pending.push({ id, data: rest, attempts: 0 });
    }
  };
  const worker = async () => {
    for (;;) {
      await takeDeferred();
      const job = pending.shift();
      if (!job) return;
      const key = `${job.data.installationId}:${job.data.runId}`;
      attemptsByJob.set(key, (attemptsByJob.get(key) ?? 0) + 1);
      try {
        await runQueuedJob({ id: job.id, name: "ingest-workflow-run", data: job.data }, jobHandlers["ingest-workflow-run"], app.runner);
      } catch {
        failedAttempts += 1;
        job.attempts += 1;
        if (job.attempts >= MAX_ATTEMPTS) deadLettered += 1;
        else pending.push(job);
      }
    }
  };
  // Workers start one after another so that each begins with a job of its own.
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  await takeDeferred();
  return { deadLettered, failedAttempts, deferred, attemptsByJob, leftOver: pending.length };
}

/** A request GitHub refused with a rate limit (403 or 429): answered before anything was written. */
function refusedByRateLimit(request: { status: number }): boolean {
  return request.status === 403 || request.status === 429;
}

describe("GitHub faults: 20 % of requests fail (half of them after GitHub carried them out) and secondary rate limits", () => {
  it("a batch of ingests for many audit_ids ends in exactly one right digest per audit_id and one check run per commit, no job lost", async () => {
    // Throttling on, as in production (limiter path, rate-limit handlers, retries), its waits shortened.
    harness = await createAppHarness({ octokit: throttledOctokit, simOptions: { seed: 20261202 } });
    const { sim } = harness;
    const jobs: IngestData[] = [];
    const expected: Array<{ repository: string; auditId: string; open: string[] }> = [];
    const headShas: Array<{ repository: string; headSha: string }> = [];
    let sha = 0;
    for (let installationId = 1; installationId <= INSTALLATIONS; installationId += 1) {
      const owner = installationId === 1 ? "acme" : `org${installationId}`;
      if (installationId > 1) {
        sim.createInstallation({ id: installationId, account: owner, permissions: PERMISSIONS });
        sim.createRepository({ owner, name: "app" });
      }
      for (let audit = 1; audit <= AUDITS_PER_INSTALLATION; audit += 1) {
        const auditId = `audit-${installationId}-${audit}`;
        expected.push({ repository: `${owner}/app`, auditId, open: [`src/${auditId}-a.ts`, `src/${auditId}-c.ts`] });
        for (const document of scans(owner, auditId)) {
          const headSha = (++sha).toString(16).padStart(40, "0");
          const run = sim.createWorkflowRun({ repo: `${owner}/app`, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
          headShas.push({ repository: `${owner}/app`, headSha });
          jobs.push({ installationId, deliveryId: null, owner, repo: "app", runId: run.id, runAttempt: 1, headSha, fromFork: false });
        }
      }
    }

    // 10 % answered 500 or 502 before anything is done, 10 % answered 502 after GitHub did it,
    // then 3 % of the rest refused with a secondary rate limit: about 22 % of all requests.
    sim.injectFault({ route: "*", status: 500, rate: 0.05 });
    sim.injectFault({ route: "*", status: 502, rate: 0.05 / 0.95 });
    sim.injectFault({ route: "*", status: 502, afterWrite: true, rate: 0.1 / 0.9 });
    sim.injectFault({ route: "*", secondaryRateLimit: true, retryAfter: 1, rate: 0.03 });

    const outcome = await work(harness, jobs, INSTALLATIONS + 1);
    sim.clearFaults();

    // Exactly one digest per audit_id, open, showing the newest scan's findings; each owed comment once.
    let duplicated = 0;
    const problems: string[] = [];
    for (const { repository, auditId, open } of expected) {
      const digests = sim.issues(repository).filter((issue) => issue.labels.includes("audit-digest") && parseDigestMarker(issue.body ?? "")?.auditId === auditId);
      duplicated += Math.max(0, digests.length - 1);
      const [digest] = digests;
      if (!digest) {
        problems.push(`${auditId}: no digest`);
        continue;
      }
      if (digest.state !== "open") problems.push(`${auditId}: digest ${digest.state}`);
      for (const path of open) if (!digest.body?.includes(path)) problems.push(`${auditId}: body lacks ${path}`);
      const { rows } = await harness.db.query<{ path: string }>(
        "SELECT hit->>'path' AS path FROM digest_findings WHERE audit_id = $1 AND status = 'open' ORDER BY 1",
        [auditId],
      );
      const stored = rows.map((row) => row.path);
      if (JSON.stringify(stored) !== JSON.stringify(open)) problems.push(`${auditId}: open findings ${stored.join(", ")}`);
      const markers = digest.comments.filter((comment) => comment.byApp).map((comment) => /<!-- audit-digest:comment [^>]+-->/.exec(comment.body)?.[0]);
      duplicated += markers.length - new Set(markers).size;
    }
    // Exactly one completed gate check run per commit.
    for (const { repository, headSha } of headShas) {
      const runs = sim.checkRuns(repository, { headSha });
      duplicated += Math.max(0, runs.length - 1);
      if (runs.length === 0 || runs.some((run) => run.conclusion !== "success")) problems.push(`${headSha}: check runs ${runs.map((run) => run.conclusion).join(", ")}`);
    }

    // Retries are bounded: no job beyond its attempts, no create beyond CREATE_ATTEMPTS per attempt.
    const maxAttempts = Math.max(...outcome.attemptsByJob.values());
    const totalAttempts = [...outcome.attemptsByJob.values()].reduce((sum, n) => sum + n, 0);
    for (const { repository, headSha } of headShas) {
      const job = jobs.find((candidate) => candidate.headSha === headSha)!;
      const attempts = outcome.attemptsByJob.get(`${job.installationId}:${job.runId}`) ?? 0;
      // A create refused by a rate limit wrote nothing, and the throttling retries it in place (bounded on its own).
      const creates = sim.requests.filter(
        (r) => r.route === CREATE_CHECK_RUN && r.path === `/repos/${repository}/check-runs` && (r.requestBody as { head_sha?: string }).head_sha === headSha && !refusedByRateLimit(r),
      );
      if (creates.length > CREATE_ATTEMPTS * attempts) problems.push(`${headSha}: ${creates.length} check run creates in ${attempts} attempts`);
    }
    const issueCreates = sim.requests.filter((r) => r.route === CREATE_ISSUE && !refusedByRateLimit(r)).length;
    const failedAnswers = sim.requests.filter((r) => r.status >= 500 || r.status === 403).length;
    const afterWrite = sim.requests.filter((r) => r.status === 502 && r.method !== "GET").length;

    const lost = outcome.deadLettered + outcome.leftOver;
    recordReliabilityFigures({
      scenario: "GitHub faults",
      tried: `${jobs.length} ingests for ${expected.length} audit_ids in ${INSTALLATIONS} installations, throttling on, with about 22 % of GitHub requests failing (500/502 before the write, 502 after it, secondary rate limits)`,
      cases: jobs.length,
      lost,
      duplicated,
      leaked: 0,
      crashed: 0,
      notes: `${problems.length} wrong digests or check runs; ${sim.requests.length} requests, ${failedAnswers} answered with a fault (${afterWrite} writes answered 502); ${outcome.failedAttempts} failed job attempts, ${outcome.deferred} deferrals, at most ${maxAttempts} attempts for one job (${totalAttempts} in all); ${issueCreates} issue creates for ${expected.length} digests`,
    });
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(problems).toEqual([]);
    expect(maxAttempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(issueCreates).toBeLessThanOrEqual(CREATE_ATTEMPTS * totalAttempts);
    expect(failedAnswers).toBeGreaterThan(0);
    sim.assertNoViolations();
  }, 240_000);
});
