import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { freePort } from "../support/free-port.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { freshDataDir } from "../support/fresh-data-dir.js";
import { startAcmeGitHub } from "../support/start-acme-github.js";
import { TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { webhookExample } from "../support/webhook-examples.js";
import { waitFor } from "../support/wait-for.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

describe("the running app against the GitHub simulator over HTTP", () => {
  it("turns signed webhooks into a queued check, then a digest issue and a passed check; a redelivery changes nothing", async () => {
    // GitHub: an organisation with the app installed, a repository, a finished CI run with an artifact.
    const { sim, host } = await startAcmeGitHub();
    const headSha = "f".repeat(40);
    const run = sim.createWorkflowRun({ repo: "acme/app", headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture()) }] });

    // The app: its own data directory, GitHub reached through GHE_HOST.
    const dataDir = await freshDataDir("e2e");
    const app = await startApp({
      config: testConfig({ DATA_DIR: dataDir, PORT: String(await freePort()), GHE_HOST: host, GHE_PROTOCOL: "http", AUDIT_HMAC_KEYS: HMAC_KEYS }),
      log: pino({ level: "silent" }),
      octokit: { retryAfterBaseValue: 10 },
    });
    cleanups.push(() => app.stop());
    const hookUrl = `http://127.0.0.1:${app.port}/api/github/webhooks`;

    // 1. A pull request is opened: the gate check is queued for its head.
    const pullRequest = webhookExample("pull_request", "opened", { installationId: 1 });
    pullRequest.repository = sim.json.repository("acme/app");
    pullRequest.pull_request.head.sha = headSha;
    expect(await sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event: "pull_request", payload: pullRequest })).toBe(200);
    const queued = await waitFor("queued check run", () => sim.checkRuns("acme/app", { headSha })[0]);
    expect(queued.status).toBe("queued");

    // 2. The CI run completes: the artifact is ingested, the digest filed, the same check completed.
    const completed = webhookExample("workflow_run", "completed", { installationId: 1 });
    completed.repository = sim.json.repository("acme/app");
    completed.workflow_run = sim.json.workflowRun("acme/app", run.id);
    const deliveryId = "0b4c7f40-2d6e-11ef-8f4e-6c1bd62c1a11";
    expect(await sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: completed, deliveryId })).toBe(200);
    const check = await waitFor("completed check run", () => {
      const found = sim.checkRuns("acme/app", { headSha })[0];
      return found?.status === "completed" ? found : undefined;
    });
    expect(check.id).toBe(queued.id);
    expect(check.conclusion).toBe("success");
    const digest = await waitFor("digest issue", () => sim.issues("acme/app").find((issue) => issue.labels.includes("audit-digest")));
    expect(digest.title).toBe("Audit digest: org-audit");
    expect(check.output.summary).toContain(`acme/app#${digest.number}`);

    // 3. GitHub redelivers the same delivery (same guid): no second job is enqueued, so nothing asks GitHub anything again.
    const jobsOfDelivery = async () =>
      (await app.db.query<{ state: string }>("SELECT state FROM pgboss.job WHERE data->>'deliveryId' = $1 ORDER BY created_on", [deliveryId])).rows.map((row) => row.state);
    const settled = () => waitFor("the delivery's jobs to finish", async () => ((await jobsOfDelivery()).every((state) => state === "completed") ? true : undefined));
    await settled();
    expect(await jobsOfDelivery()).toEqual(["completed"]);
    const requests = sim.requests.length;
    expect(sim.deliveries().filter((d) => d.guid === deliveryId)).toHaveLength(1);
    expect(await sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: completed, deliveryId })).toBe(200);
    // The intake commits a delivery's job before it answers 2xx: a second job would be there now.
    expect(await jobsOfDelivery()).toEqual(["completed"]);
    await settled();
    expect(sim.requests.slice(requests).filter((r) => r.path.startsWith("/repos/acme/app/")).map((r) => r.route)).toEqual([]);
    sim.assertNoViolations();
  });
});
