import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { jobPolicies } from "../../src/jobs/job-policies.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { databaseBackends } from "../support/database-backends.js";
import { waitUntil } from "../support/wait-for.js";
import { syncInstallationJob } from "../support/sync-installation-job.js";

const log = pino({ level: "silent" });
const QUEUE = "sync-installation";
/** Long enough that a worker waiting it out between jobs could not drain any backlog in a test. */
const LONG_POLL_SECONDS = 60;

/** Job rows of the queue by state, e.g. `{ completed: 40 }`. */
async function statesOf(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>("SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state", [QUEUE]);
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

describe.each(databaseBackends)("queue workers on $name", (backend) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function start(retryDelays: readonly number[] = jobPolicies[QUEUE].retryDelays) {
    const opened = await backend.open();
    const queue = await JobQueue.start({
      db: opened.db,
      databaseUrl: opened.databaseUrl,
      log,
      supervise: false,
      policies: { [QUEUE]: { ...jobPolicies[QUEUE], retryDelays } },
    });
    let stopped = false;
    cleanup.push(opened.cleanup, async () => {
      if (!stopped) await queue.stop(5);
    });
    return { db: opened.db, queue, stop: (seconds: number) => ((stopped = true), queue.stop(seconds)) };
  }

  async function sendBacklog(queue: JobQueue, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `d-${i}`);
    for (const id of ids) await queue.send(QUEUE, syncInstallationJob(id));
    return ids;
  }

  it("works a backlog job after job without waiting out the polling interval between them", async () => {
    const { db, queue } = await start();
    const ids = await sendBacklog(queue, 60);
    const handled: string[] = [];
    await queue.work(QUEUE, { concurrency: 2, pollIntervalSeconds: LONG_POLL_SECONDS }, (run) => {
      handled.push(run.data.deliveryId ?? "");
      return Promise.resolve();
    });
    await waitUntil(async () => (await statesOf(db)).completed === ids.length);
    expect(handled.sort()).toEqual([...ids].sort());
    expect(await statesOf(db)).toEqual({ completed: ids.length });
  });

  it("takes a job sent while its workers wait on an empty queue at once, and one committed by a caller once told", async () => {
    const { db, queue } = await start();
    const handled: string[] = [];
    await queue.work(QUEUE, { concurrency: 2, pollIntervalSeconds: LONG_POLL_SECONDS }, (run) => {
      handled.push(run.data.deliveryId ?? "");
      return Promise.resolve();
    });
    // Both workers have found the queue empty and wait out the long interval.
    await sleep(500);
    await queue.send(QUEUE, syncInstallationJob("sent"));
    await waitUntil(() => handled.length === 1);
    await db.transaction((tx) => queue.send(QUEUE, syncInstallationJob("in-transaction"), { tx }));
    queue.jobsAdded(QUEUE);
    await waitUntil(() => handled.length === 2);
    expect(handled).toEqual(["sent", "in-transaction"]);
    await waitUntil(async () => (await statesOf(db)).completed === 2);
  });

  it("runs no more than `concurrency` jobs of a kind at once, and uses every slot while jobs wait", async () => {
    const { db, queue } = await start();
    const ids = await sendBacklog(queue, 30);
    let running = 0;
    let most = 0;
    await queue.work(QUEUE, { concurrency: 3, pollIntervalSeconds: LONG_POLL_SECONDS }, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(30);
      running--;
    });
    await waitUntil(async () => (await statesOf(db)).completed === ids.length);
    expect(most).toBe(3);
  });

  it("retries a failing job alone: the jobs fetched with it complete once", async () => {
    const { db, queue } = await start([1]);
    const ids = await sendBacklog(queue, 12);
    const attempts = new Map<string, number>();
    await queue.work(QUEUE, { concurrency: 4, pollIntervalSeconds: 0.5 }, async (run) => {
      const id = run.data.deliveryId ?? "";
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      await sleep(10);
      if (id === "d-5" && attempt === 1) throw new Error("GitHub answered 502");
    });
    await waitUntil(async () => (await statesOf(db)).completed === ids.length);
    expect(Object.fromEntries(attempts)).toEqual(Object.fromEntries(ids.map((id) => [id, id === "d-5" ? 2 : 1])));
    expect(await queue.deadLetterCount()).toBe(0);
  });

  it("stops taking jobs on stop, lets the running ones finish, and leaves the rest waiting", async () => {
    const { db, queue, stop } = await start();
    const ids = await sendBacklog(queue, 20);
    const started: string[] = [];
    const finished: string[] = [];
    await queue.work(QUEUE, { concurrency: 2, pollIntervalSeconds: LONG_POLL_SECONDS }, async (run) => {
      started.push(run.data.deliveryId ?? "");
      await sleep(300);
      finished.push(run.data.deliveryId ?? "");
    });
    await waitUntil(() => started.length >= 2);
    await stop(10);
    expect(finished.sort()).toEqual(started.sort());
    const states = await statesOf(db);
    expect(states).toEqual({ completed: finished.length, created: ids.length - finished.length });
    expect(finished.length).toBeLessThan(ids.length);
  });

  it("fails a job still running when the stop's timeout passes, so it is retried", async () => {
    const { db, queue, stop } = await start();
    await sendBacklog(queue, 1);
    let started = false;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await queue.work(QUEUE, { concurrency: 1, pollIntervalSeconds: LONG_POLL_SECONDS }, async () => {
      started = true;
      await held;
    });
    await waitUntil(() => started);
    await stop(1);
    release();
    const { rows } = await db.query<{ state: string; retry_count: number; output: { message?: string } }>(
      "SELECT state, retry_count, output FROM pgboss.job WHERE name = $1",
      [QUEUE],
    );
    expect(rows).toEqual([{ state: "retry", retry_count: 0, output: expect.objectContaining({ message: expect.stringContaining("the worker stopped while the job ran") }) }]);
  });
});
