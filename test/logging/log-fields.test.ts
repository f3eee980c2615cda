import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/create-logger.js";
import { startApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { freePort } from "../support/free-port.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { createTestDatabase } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";

type Line = Record<string, unknown> & { msg: string };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

const INSTALLATION = 7;

describe("log lines of a webhook delivery and of the job it causes", () => {
  it("carry delivery_id and installation_id, and job_id, job_name and audit_id once known, lines of the job's GitHub client included", async () => {
    const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
    const github = await sim.listen();
    cleanups.push(() => sim.close());
    sim.createInstallation({
      id: INSTALLATION,
      account: "acme",
      permissions: { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" },
    });
    sim.createRepository({ owner: "acme", name: "app" });
    const headSha = "b".repeat(40);
    const run = sim.createWorkflowRun({
      repo: "acme/app",
      headSha,
      artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ audit_id: "fields-audit" })) }],
    });

    const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-log-fields-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await (await createTestDatabase({ dataDir })).close();
    const config = testConfig({
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      AUDIT_HMAC_KEYS: HMAC_KEYS,
      SCHEDULES_ENABLED: "false",
      // debug: the job's GitHub requests are logged too.
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json",
    });
    const memory = new PassThrough();
    const written: string[] = [];
    memory.on("data", (chunk: Buffer) => written.push(chunk.toString("utf8")));
    const app = await startApp({ config, log: await createLogger(config.log, memory) });
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : app.stop()));

    const payload = webhookExample("workflow_run", "completed", { installationId: INSTALLATION });
    payload.repository = sim.json.repository("acme/app");
    payload.workflow_run = sim.json.workflowRun("acme/app", run.id);
    const deliveryId = randomUUID();
    const url = `http://127.0.0.1:${app.port}/api/github/webhooks`;
    expect(await sim.deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload, deliveryId })).toBe(200);

    const deadline = Date.now() + 60_000;
    let check = sim.checkRuns("acme/app", { headSha })[0];
    while (check?.status !== "completed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      check = sim.checkRuns("acme/app", { headSha })[0];
    }
    expect(check?.conclusion).toBe("success");
    const { rows } = await app.db.query<{ job_id: string }>("SELECT job_id FROM webhook_deliveries WHERE delivery_id = $1", [deliveryId]);
    const jobId = rows[0]?.job_id;
    expect(jobId).toBeTypeOf("string");
    await app.stop();
    stopped = true;

    const lines = written
      .join("")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Line);

    // The delivery's line names the delivery, its installation and the job it enqueued.
    const handled = lines.filter((line) => line.msg === "webhook handled");
    expect(handled).toEqual([
      expect.objectContaining({ delivery_id: deliveryId, installation_id: INSTALLATION, job_name: "ingest-workflow-run", outcome: "enqueued" }),
    ]);

    // Every line of the job names the job, its kind, installation and delivery.
    const ofJob = lines.filter((line) => line.job_id === jobId);
    expect(ofJob.map((line) => line.msg)).toEqual(expect.arrayContaining(["run ingested", "digest issue filed", "digest upserted"]));
    for (const line of ofJob) {
      expect(line).toMatchObject({ job_id: jobId, job_name: "ingest-workflow-run", installation_id: INSTALLATION, delivery_id: deliveryId });
    }

    // Its GitHub requests are logged by the job's own client, so they carry the job's fields.
    const requests = ofJob.filter((line) => line.msg.startsWith("GitHub request: "));
    expect(requests.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GitHub request: GET \S+\/repos\/acme\/app\/actions\/runs\/\d+\/artifacts\S* - 200$/),
        expect.stringMatching(/^GitHub request: POST \S+\/repos\/acme\/app\/issues - 201$/),
      ]),
    );
    // No request an installation's job makes is logged without the job's fields.
    const repoRequests = lines.filter((line) => line.msg.startsWith("GitHub request: ") && line.msg.includes("/repos/acme/app"));
    expect(repoRequests.length).toBeGreaterThan(0);
    expect(repoRequests.filter((line) => line.job_id !== jobId)).toEqual([]);

    // Once the artifact's audit_id is known, it is on the lines about its digest and the verdict.
    for (const msg of ["digest issue filed", "digest upserted", "run ingested"]) {
      expect(ofJob.find((line) => line.msg === msg)).toMatchObject({ audit_id: "fields-audit" });
    }
    // Before the artifact is read the job does not know it: the config read is logged without one.
    const configRead = ofJob.find((line) => line.msg.includes("/repos/acme/app/contents/.github%2Faudit-digest.yml"));
    expect(configRead).toBeDefined();
    expect(configRead).not.toHaveProperty("audit_id");

    // One naming convention: none of the old camelCase names of these fields is left.
    for (const line of lines) {
      for (const camel of ["deliveryId", "installationId", "jobId", "auditId"]) expect(line).not.toHaveProperty(camel);
    }
  });
});
