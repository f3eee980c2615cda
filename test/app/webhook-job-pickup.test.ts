import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { freePort } from "../support/free-port.js";
import { freshDataDir } from "../support/fresh-data-dir.js";
import { startAcmeGitHub } from "../support/start-acme-github.js";
import { TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { webhookExample } from "../support/webhook-examples.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

describe("a webhook's job in a process that also runs workers (ROLE=all)", () => {
  it("is taken at once after its delivery is committed, not at the end of the workers' polling interval", async () => {
    const { sim, host } = await startAcmeGitHub();
    const headSha = "e".repeat(40);
    const run = sim.createWorkflowRun({ repo: "acme/app", headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture()) }] });

    const dataDir = await freshDataDir("pickup");
    // Idle workers ask for jobs once a minute: only the wake-up after the commit gets this job done in time.
    const app = await startApp({
      config: testConfig({
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        GHE_HOST: host,
        GHE_PROTOCOL: "http",
        AUDIT_HMAC_KEYS: HMAC_KEYS,
        JOB_POLL_INTERVAL_SECONDS: "60",
        SCHEDULES_ENABLED: "false",
      }),
      log: pino({ level: "silent" }),
    });
    cleanups.push(() => app.stop());
    // Let every worker make its first (empty) fetch and settle into its one-minute wait.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const completed = webhookExample("workflow_run", "completed", { installationId: 1 });
    completed.repository = sim.json.repository("acme/app");
    completed.workflow_run = sim.json.workflowRun("acme/app", run.id);
    const url = `http://127.0.0.1:${app.port}/api/github/webhooks`;
    expect(await sim.deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: completed })).toBe(200);

    // Well inside the one-minute poll: the ingest has run and the gate check is complete.
    const deadline = Date.now() + 40_000;
    let check = sim.checkRuns("acme/app", { headSha })[0];
    while (check?.status !== "completed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      check = sim.checkRuns("acme/app", { headSha })[0];
    }
    expect(check?.status).toBe("completed");
    expect(check?.conclusion).toBe("success");
  });
});
