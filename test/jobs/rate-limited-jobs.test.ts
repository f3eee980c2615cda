import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, signed } from "../support/artifact-fixtures.js";
import { throttledOctokit } from "../support/throttled-octokit.js";

const REPOSITORY = `${OWNER}/${REPO}`;
const SHA = "c".repeat(40);
const CREATE_ISSUE = "POST /repos/{owner}/{repo}/issues";
const LIST_ARTIFACTS = "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts";
const SECONDARY_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

let harness: AppHarness;
/** The simulator's clock, which the worker reads rate-limit resets on too (whole seconds). */
let clock: number;

afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

/** The worker with throttling on, as in production; only the waits are shortened (see `throttledOctokit`). */
async function setup() {
  clock = Math.ceil(Date.now() / 1000) * 1000;
  harness = await createAppHarness({ simOptions: { now: () => clock }, octokit: throttledOctokit });
}

/** A workflow run in the home repository whose signed artifact names that run as its source. */
function workflowRun(headSha = SHA) {
  return harness.sim.createWorkflowRun({
    repo: REPOSITORY,
    headSha,
    artifacts: [
      {
        name: "consumer-artifact",
        json: (run: { repository: string; runId: number; headSha: string }) =>
          signed(artifactFixture({ source: { repository: run.repository, sha: run.headSha, run_id: run.runId } })),
      },
    ],
  });
}

function ingestData(runId: number, headSha = SHA) {
  return { owner: OWNER, repo: REPO, runId, runAttempt: 1, headSha, fromFork: false };
}

/** Ingest jobs waiting in the queue, with the time the queue may start each. */
async function queuedIngests() {
  const { rows } = await harness.db.query<{ start_after: Date; data: ReturnType<typeof ingestData> & { installationId: number } }>(
    "SELECT start_after, data FROM pgboss.job WHERE name = 'ingest-workflow-run' AND state = 'created' ORDER BY created_on",
  );
  return rows.map((row) => ({ startAfter: new Date(row.start_after), data: row.data }));
}

/** Runs each waiting ingest the way a worker does once the queue hands it out. */
async function runQueuedIngests() {
  const queued = await queuedIngests();
  await harness.db.query("DELETE FROM pgboss.job WHERE name = 'ingest-workflow-run' AND state = 'created'");
  for (const { data } of queued) await harness.runJob("ingest-workflow-run", data);
}

async function ledger() {
  const { rows } = await harness.db.query<{ run_id: string; verdict: string }>("SELECT run_id, verdict FROM ingests ORDER BY id");
  return rows.map((row) => ({ runId: Number(row.run_id), verdict: row.verdict }));
}

function gate(headSha = SHA) {
  return harness.sim.checkRuns(REPOSITORY, { headSha, name: "Audit ingest gate" });
}

describe("a primary rate limit", () => {
  it("defers the ingest to x-ratelimit-reset without waiting in place; nothing is asked of GitHub before the reset, and after it the ingest completes", async () => {
    await setup();
    const run = workflowRun();
    const resetAt = clock + 10 * 60_000;
    harness.sim.setRateLimit({ installationId: INSTALLATION_ID, remaining: 3, resetAt });

    await harness.runJob("ingest-workflow-run", ingestData(run.id));

    // One refused request, and it was the last one: the job gave up at once instead of sleeping.
    expect(harness.sim.requests.map((request) => request.status).filter((status) => status === 403)).toHaveLength(1);
    expect(harness.sim.requests.at(-1)).toMatchObject({ status: 403, installationId: INSTALLATION_ID });
    expect(await queuedIngests()).toEqual([{ startAfter: new Date(resetAt), data: expect.objectContaining({ runId: run.id, installationId: INSTALLATION_ID }) }]);
    expect(harness.sim.issues(REPOSITORY)).toEqual([]);
    expect(await ledger()).toEqual([]);

    // Until the reset, another ingest for the installation is put back without a request.
    harness.sim.resetLog();
    clock = resetAt - 1000;
    const other = workflowRun("d".repeat(40));
    await harness.runJob("ingest-workflow-run", ingestData(other.id, "d".repeat(40)));
    expect(harness.sim.requests).toEqual([]);
    expect((await queuedIngests()).map((job) => [job.data.runId, job.startAfter])).toEqual([
      [run.id, new Date(resetAt)],
      [other.id, new Date(resetAt)],
    ]);

    clock = resetAt + 1000;
    await runQueuedIngests();

    expect(harness.sim.countRequests({ status: 403 })).toBe(0);
    expect(harness.sim.issues(REPOSITORY).map((issue) => issue.title)).toEqual(["Audit digest: org-audit"]);
    expect(gate().map((check) => [check.status, check.conclusion])).toEqual([["completed", "success"]]);
    expect(gate("d".repeat(40)).map((check) => [check.status, check.conclusion])).toEqual([["completed", "success"]]);
    expect(await ledger()).toEqual([
      { runId: run.id, verdict: "valid" },
      { runId: other.id, verdict: "valid" },
    ]);
    expect(await queuedIngests()).toEqual([]);
  });
});

describe("a secondary rate limit", () => {
  it("with a short retry-after is waited out in place: the ingest completes in one run", async () => {
    await setup();
    const run = workflowRun();
    harness.sim.injectFault({ route: CREATE_ISSUE, status: 403, message: SECONDARY_MESSAGE, retryAfter: 2, times: 1 });

    await harness.runJob("ingest-workflow-run", ingestData(run.id));

    expect(harness.sim.requests.filter((request) => request.route === CREATE_ISSUE).map((request) => request.status)).toEqual([403, 201]);
    expect(harness.sim.issues(REPOSITORY).map((issue) => issue.title)).toEqual(["Audit digest: org-audit"]);
    expect(gate().map((check) => check.conclusion)).toEqual(["success"]);
    expect(await ledger()).toEqual([{ runId: run.id, verdict: "valid" }]);
    expect(await queuedIngests()).toEqual([]);
  });

  it("with a long retry-after (600 s) defers the ingest by it instead, and the later run files the digest once", async () => {
    await setup();
    const run = workflowRun();
    harness.sim.injectFault({ route: CREATE_ISSUE, status: 403, message: SECONDARY_MESSAGE, retryAfter: 600, times: 1 });

    await harness.runJob("ingest-workflow-run", ingestData(run.id));

    expect(harness.sim.countRequests({ route: CREATE_ISSUE })).toBe(1);
    expect(harness.sim.issues(REPOSITORY)).toEqual([]);
    expect(await ledger()).toEqual([]);
    expect(await queuedIngests()).toEqual([{ startAfter: new Date(clock + 600_000), data: expect.objectContaining({ runId: run.id }) }]);

    clock += 601_000;
    await runQueuedIngests();

    expect(harness.sim.issues(REPOSITORY).map((issue) => issue.title)).toEqual(["Audit digest: org-audit"]);
    expect(gate().map((check) => check.conclusion)).toEqual(["success"]);
    expect(await ledger()).toEqual([{ runId: run.id, verdict: "valid" }]);
  });
});

describe("server errors", () => {
  it("a burst of two 502s is retried in place and the ingest completes", async () => {
    await setup();
    const run = workflowRun();
    harness.sim.injectFault({ route: LIST_ARTIFACTS, status: 502, times: 2 });

    await harness.runJob("ingest-workflow-run", ingestData(run.id));

    expect(harness.sim.requests.filter((request) => request.route === LIST_ARTIFACTS).map((request) => request.status)).toEqual([502, 502, 200]);
    expect(harness.sim.issues(REPOSITORY).map((issue) => issue.title)).toEqual(["Audit digest: org-audit"]);
    expect(await ledger()).toEqual([{ runId: run.id, verdict: "valid" }]);
  });

  it("a 503 that persists fails the job after three retries, so the queue retries it with backoff", async () => {
    await setup();
    const run = workflowRun();
    harness.sim.injectFault({ route: LIST_ARTIFACTS, status: 503 });

    await expect(harness.runJob("ingest-workflow-run", ingestData(run.id))).rejects.toMatchObject({ status: 503 });

    expect(harness.sim.countRequests({ route: LIST_ARTIFACTS })).toBe(4);
    expect(await queuedIngests()).toEqual([]);
    expect(await ledger()).toEqual([]);
  });
});

describe("other client errors", () => {
  it("a 422 is not retried: GitHub sees exactly one request, and the job fails", async () => {
    await setup();
    const run = workflowRun();
    harness.sim.injectFault({ route: LIST_ARTIFACTS, status: 422 });

    await expect(harness.runJob("ingest-workflow-run", ingestData(run.id))).rejects.toMatchObject({ status: 422 });

    expect(harness.sim.countRequests({ route: LIST_ARTIFACTS })).toBe(1);
    expect(await queuedIngests()).toEqual([]);
  });
});
