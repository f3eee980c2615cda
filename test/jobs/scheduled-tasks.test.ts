import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { completeStaleChecks } from "../../src/schedules/complete-stale-checks.js";
import { pruneWebhookDeliveries } from "../../src/schedules/prune-webhook-deliveries.js";
import { redeliverFailedDeliveries } from "../../src/schedules/redeliver-failed-deliveries.js";
import { createAppHarness, type AppHarness } from "../support/app-harness.js";
import { TEST_WEBHOOK_SECRET } from "../support/test-config.js";
import { drainQueuedJobs } from "./drain-queued-jobs.js";

let harness: AppHarness;
let receiver: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (receiver ? receiver.close(done) : done(undefined)));
  await harness.close();
});

describe("redeliver-failed-deliveries", () => {
  it("asks GitHub again for failed deliveries it never took in, a bounded number of times", async () => {
    harness = await createAppHarness();
    // A receiver that was down for g-outage's first delivery and always refuses g-broken.
    const received: string[] = [];
    let outageOver = false;
    receiver = createServer((req, res) => {
      const guid = String(req.headers["x-github-delivery"]);
      received.push(guid);
      const fail = guid === "g-broken" || guid === "g-taken" || (guid === "g-outage" && !outageOver);
      req.resume();
      req.on("end", () => res.writeHead(fail ? 500 : 200).end());
    });
    await new Promise<void>((done) => receiver!.listen(0, "127.0.0.1", () => done()));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    for (const guid of ["g-outage", "g-broken", "g-fine", "g-taken"]) {
      await harness.sim.deliverWebhook({ url, secret: TEST_WEBHOOK_SECRET, event: "ping", payload: { zen: "ok", hook_id: 1 }, deliveryId: guid });
    }
    // g-taken failed at GitHub's end but the app took it in (its ledger has it).
    await harness.db.query(
      "INSERT INTO webhook_deliveries (delivery_id, job_name, event, installation_id) VALUES ('g-taken', 'prepare-check-run', 'pull_request', 1)",
    );
    const ctx = harness.taskContext;

    received.length = 0;
    outageOver = true;
    await redeliverFailedDeliveries.run(ctx);
    expect(received.sort()).toEqual(["g-broken", "g-outage"]);
    expect(harness.sim.deliveries().filter((d) => d.redelivery).map((d) => [d.guid, d.statusCode])).toEqual(
      expect.arrayContaining([
        ["g-outage", 200],
        ["g-broken", 500],
      ]),
    );

    for (let run = 0; run < 4; run++) await redeliverFailedDeliveries.run(ctx);
    expect(received.filter((g) => g === "g-outage")).toHaveLength(1);
    expect(received.filter((g) => g === "g-broken")).toHaveLength(3);
    const { rows } = await harness.db.query<{ guid: string; attempts: number }>("SELECT guid, attempts FROM webhook_redeliveries ORDER BY guid");
    expect(rows).toEqual([
      { guid: "g-broken", attempts: 3 },
      { guid: "g-outage", attempts: 1 },
    ]);
    harness.sim.assertNoViolations();
  });
});

describe("prune-webhook-deliveries", () => {
  it("removes delivery ids and redelivery counts older than the retention, and keeps the rest", async () => {
    harness = await createAppHarness({ env: { LEDGER_RETENTION_DAYS: "30" } });
    await harness.db.query(
      `INSERT INTO webhook_deliveries (delivery_id, job_name, event, installation_id, received_at) VALUES
         ('old', 'prepare-check-run', 'pull_request', 1, now() - interval '31 days'),
         ('new', 'prepare-check-run', 'pull_request', 1, now() - interval '29 days')`,
    );
    await harness.db.query(
      `INSERT INTO webhook_redeliveries (guid, attempts, last_attempt_at) VALUES ('old', 1, now() - interval '40 days'), ('new', 1, now())`,
    );
    await pruneWebhookDeliveries.run(harness.taskContext);
    expect((await harness.db.query("SELECT delivery_id FROM webhook_deliveries")).rows).toEqual([{ delivery_id: "new" }]);
    expect((await harness.db.query("SELECT guid FROM webhook_redeliveries")).rows).toEqual([{ guid: "new" }]);
  });
});

describe("complete-stale-checks", () => {
  it("completes gate checks that waited longer than STALE_CHECK_HOURS as neutral, and leaves fresh ones waiting", async () => {
    harness = await createAppHarness({ env: { STALE_CHECK_HOURS: "6" } });
    const old = "a1".repeat(20);
    const fresh = "b2".repeat(20);
    for (const headSha of [old, fresh]) {
      await harness.runJob("prepare-check-run", { owner: "acme", repo: "app", headSha, pullNumber: 1 });
    }
    // A check recorded for a repository the installation can no longer reach.
    await harness.db.query(
      `INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status, updated_at)
       VALUES (1, 'acme/gone', $1, 999999, 'queued', now() - interval '7 hours')`,
      ["c3".repeat(20)],
    );
    await harness.db.query("UPDATE check_runs SET updated_at = now() - interval '7 hours' WHERE head_sha = $1", [old]);

    await completeStaleChecks.run(harness.taskContext);
    expect(await drainQueuedJobs(harness, ["complete-stale-checks"])).toEqual([{ name: "complete-stale-checks", installationId: 1, error: undefined }]);

    const [stale] = harness.sim.checkRuns("acme/app", { headSha: old });
    expect([stale?.status, stale?.conclusion, stale?.output.title]).toEqual(["completed", "neutral", "No audit artifact arrived"]);
    expect(harness.sim.checkRuns("acme/app", { headSha: fresh })[0]?.status).toBe("queued");
    const { rows } = await harness.db.query<{ repository: string; status: string; conclusion: string | null }>(
      "SELECT repository, status, conclusion FROM check_runs ORDER BY repository, head_sha",
    );
    expect(rows).toEqual([
      { repository: "acme/app", status: "completed", conclusion: "neutral" },
      { repository: "acme/app", status: "queued", conclusion: null },
      { repository: "acme/gone", status: "completed", conclusion: "unreachable" },
    ]);

    // Nothing is left to do the next time.
    harness.sim.resetLog();
    await completeStaleChecks.run(harness.taskContext);
    expect(await drainQueuedJobs(harness, ["complete-stale-checks"])).toEqual([]);
    expect(harness.sim.writes()).toEqual([]);
  });
});
