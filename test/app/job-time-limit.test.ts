import { afterEach, describe, expect, it } from "vitest";
import { jobPolicies } from "../../src/jobs/job-policies.js";
import { startApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { capturedLog } from "../support/captured-log.js";
import { freePort } from "../support/free-port.js";
import { freshDataDir } from "../support/fresh-data-dir.js";
import { startAcmeGitHub } from "../support/start-acme-github.js";
import { TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { waitFor, waitUntil } from "../support/wait-for.js";
import { webhookExample } from "../support/webhook-examples.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** The ingest's time limit here; the hung read lasts 20 times as long. */
const TIME_LIMIT_SECONDS = 6;
const HUNG_READ_MS = 120_000;

describe("an ingest whose GitHub read hangs past the job's time limit, in the running app (ROLE=all)", () => {
  it("is stopped at the limit (the read cut off), and its retry gives the verdict: one check run, one digest", async () => {
    const { sim, host } = await startAcmeGitHub();
    const headSha = "f".repeat(40);
    const run = sim.createWorkflowRun({ repo: "acme/app", headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture()) }] });
    // The first configuration read hangs, as a request to a GitHub that stopped answering does.
    const hung = sim.injectFault({ route: "GET /repos/{owner}/{repo}/contents/{path}", latencyMs: HUNG_READ_MS, times: 1 });

    const dataDir = await freshDataDir("time-limit");
    const { log, lines } = capturedLog();
    const app = await startApp({
      config: testConfig({
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        GHE_HOST: host,
        GHE_PROTOCOL: "http",
        AUDIT_HMAC_KEYS: HMAC_KEYS,
        JOB_POLL_INTERVAL_SECONDS: "0.5",
        SCHEDULES_ENABLED: "false",
      }),
      log,
      jobPolicies: { "ingest-workflow-run": { ...jobPolicies["ingest-workflow-run"], expireInSeconds: TIME_LIMIT_SECONDS, retryDelays: [1] } },
    });
    cleanups.push(() => app.stop());

    const completed = webhookExample("workflow_run", "completed", { installationId: 1 });
    completed.repository = sim.json.repository("acme/app");
    completed.workflow_run = sim.json.workflowRun("acme/app", run.id);
    const url = `http://127.0.0.1:${app.port}/api/github/webhooks`;
    expect(await sim.deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: completed })).toBe(200);

    // Well before the hung read would have answered: the stopped run let go of the run's lock.
    const check = await waitFor(
      "the gate check to complete",
      () => sim.checkRuns("acme/app", { headSha }).find((candidate) => candidate.status === "completed"),
      HUNG_READ_MS / 2,
    );
    expect(hung.fired).toBe(1);
    expect(check.conclusion).toBe("success");
    expect(sim.checkRuns("acme/app", { headSha })).toHaveLength(1);
    expect(sim.issues("acme/app").filter((issue) => issue.title.includes("audit"))).toHaveLength(1);

    // The retry's verdict is on GitHub; its job completes once the ledger row is in.
    const jobRows = async () =>
      (await app.db.query<{ state: string; retry_count: number }>("SELECT state, retry_count FROM pgboss.job WHERE name = 'ingest-workflow-run'")).rows;
    await waitUntil(async () => (await jobRows())[0]?.state === "completed");
    expect(await jobRows()).toEqual([{ state: "completed", retry_count: 1 }]);
    // The stop, not the cut-off read, is what the log and /metrics report.
    expect(lines.filter((line) => String(line.msg).startsWith("job failed"))).toEqual([]);
    const stops = lines.filter((line) => line.msg === "job stopped at its time limit; it will be retried with backoff");
    expect(stops.map((line) => (line.err as { message?: string } | undefined)?.message)).toEqual([
      `the job did not finish within ${TIME_LIMIT_SECONDS * 1000} ms (its policy's expireInSeconds); it was stopped and is retried`,
    ]);
    const scrape = await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text();
    expect(scrape).toMatch(/^audit_digest_jobs_total\{queue="ingest-workflow-run",outcome="stopped"\} 1$/m);
    expect(scrape).toMatch(/^audit_digest_jobs_total\{queue="ingest-workflow-run",outcome="completed"\} 1$/m);
  });
});
