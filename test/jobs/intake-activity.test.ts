import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { enqueueWebhookJobs, type WebhookDelivery } from "../../src/jobs/enqueue-webhook-job.js";
import { IntakeActivity, intakeActivityOf } from "../../src/jobs/intake-activity.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { WebhookJobBatcher } from "../../src/jobs/webhook-job-batcher.js";
import { createTestDatabase } from "../support/test-database.js";
import { waitUntil } from "../support/wait-for.js";

const log = pino({ level: "silent" });

/** Records, in order, what happened: `quiet()` answers and the test's own steps. */
function timeline() {
  const events: string[] = [];
  return {
    events,
    note: (event: string) => events.push(event),
    watch: (activity: IntakeActivity, label: string) => activity.quiet().then(() => events.push(label)),
  };
}

describe("intake activity", () => {
  it("lets background work through at once while the intake is idle", async () => {
    const activity = new IntakeActivity({ lingerMs: 10, maxHoldMs: 10_000 });
    const { events, note, watch } = timeline();
    const waited = watch(activity, "background ran");
    note("asked");
    await waited;
    expect(events).toEqual(["asked", "background ran"]);
    expect(activity.holding).toBe(false);
  });

  it("holds background work until every piece of intake work is done and the intake stayed idle for a moment", async () => {
    const activity = new IntakeActivity({ lingerMs: 50, maxHoldMs: 10_000 });
    const { events, note, watch } = timeline();
    const first = activity.begin();
    const second = activity.begin();
    const waited = watch(activity, "background ran");
    await sleep(20);
    first();
    first(); // ending twice counts once
    await sleep(20);
    note("one piece still under way");
    second();
    // A delivery arriving within the linger belongs to the same burst: the hold goes on.
    await sleep(10);
    const third = activity.begin();
    await sleep(80);
    note("last piece done");
    third();
    await waited;
    expect(events).toEqual(["one piece still under way", "last piece done", "background ran"]);
    expect(activity.holding).toBe(false);
  });

  it("holds background work for at most maxHoldMs, however long the intake stays busy", async () => {
    const activity = new IntakeActivity({ lingerMs: 10, maxHoldMs: 100 });
    const { events, note, watch } = timeline();
    const end = activity.begin();
    const waited = watch(activity, "background ran");
    await waited;
    note("intake still busy");
    // The busy period has used up its hold: later work is not held either, until it ends.
    await watch(activity, "more background ran");
    end();
    expect(events).toEqual(["background ran", "intake still busy", "more background ran"]);
    await sleep(30);
    // Once the intake was idle, a new burst holds again.
    const next = activity.begin();
    expect(activity.holding).toBe(true);
    next();
  });

  it("is one per database object", () => {
    const a = {};
    const b = {};
    expect(intakeActivityOf(a)).toBe(intakeActivityOf(a));
    expect(intakeActivityOf(a)).not.toBe(intakeActivityOf(b));
  });
});

function ingestDelivery(deliveryId: string): WebhookDelivery<"ingest-workflow-run"> {
  return {
    event: "workflow_run",
    action: "completed",
    name: "ingest-workflow-run",
    data: { owner: "acme", repo: "service", runId: 7, runAttempt: 1, headSha: "a".repeat(40), fromFork: false, installationId: 12, deliveryId },
  };
}

async function jobState(db: Database, deliveryId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ state: string }>(
    "SELECT j.state::text AS state FROM webhook_deliveries d JOIN pgboss.job j ON j.id::text = d.job_id WHERE d.delivery_id = $1",
    [deliveryId],
  );
  return rows[0]?.state;
}

describe("the job queue on PGlite while the webhook intake is busy", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  });

  it("starts a committed delivery's job only once the deliveries being read are answered, then at once", async () => {
    const db = await createTestDatabase();
    const queue = await JobQueue.start({ db, databaseUrl: undefined, log, supervise: false });
    cleanups.push(() => db.close(), () => queue.stop(5));
    const batcher = new WebhookJobBatcher({ write: (deliveries) => enqueueWebhookJobs({ db, queue, deliveries }), activity: intakeActivityOf(db) });
    const ran: string[] = [];
    await queue.work("ingest-workflow-run", { concurrency: 2, pollIntervalSeconds: 60 }, (job) => {
      ran.push(job.data.deliveryId ?? "");
      return Promise.resolve();
    });
    // Let the worker make its first (empty) fetch and settle into its one-minute wait.
    await sleep(500);

    // Two requests of a burst: the first is committed and answered, the second is still being read.
    const answerFirst = batcher.expect("d-first");
    const answerSecond = batcher.expect("d-second");
    expect(await batcher.enqueue(ingestDelivery("d-first"))).toBe("enqueued");
    answerFirst();
    await sleep(500);
    expect({ ran, state: await jobState(db, "d-first") }).toEqual({ ran: [], state: "created" });

    expect(await batcher.enqueue(ingestDelivery("d-second"))).toBe("enqueued");
    answerSecond();
    // Well inside the one-minute poll: the wake-up after the commit fetches both once the burst is answered.
    await waitUntil(() => ran.length === 2);
    expect(ran.sort()).toEqual(["d-first", "d-second"]);
    await waitUntil(async () => (await jobState(db, "d-second")) === "completed");
  });
});
