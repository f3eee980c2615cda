import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import type { JobLeaseSettings } from "../../src/jobs/job-lease-settings.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { capturedLog } from "../support/captured-log.js";
import { databaseBackends } from "../support/database-backends.js";
import { waitUntil } from "../support/wait-for.js";
import { syncInstallationJob } from "../support/sync-installation-job.js";

const QUEUE = "sync-installation";
/** A short lease, so a job can outlive it several times in a test: renewed every 0.5 s, swept every 0.5 s. */
const TEST_LEASE: Partial<JobLeaseSettings> = { leaseSeconds: 1.5 };

interface JobRow {
  id: string;
  state: string;
  retry_count: number;
  started_on: Date | null;
  data: Record<string, unknown>;
  output: { message?: string } | null;
}

async function rowsOf(db: Database): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    "SELECT id::text, state, retry_count, started_on, data, output FROM pgboss.job WHERE name = $1 ORDER BY data->>'deliveryId'",
    [QUEUE],
  );
  return rows;
}

/** What pg-boss's fetch does to a job, by a worker that then dies without a trace. */
async function claimByDeadWorker(db: Database, id: string): Promise<void> {
  await db.query("UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND id = $2", [QUEUE, id]);
}

describe.each(databaseBackends)("job leases on $name", (backend) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function open() {
    const opened = await backend.open();
    cleanup.push(opened.cleanup);
    return opened;
  }

  async function startQueue(opened: Awaited<ReturnType<typeof open>>, log = pino({ level: "silent" }), lease = TEST_LEASE) {
    const queue = await JobQueue.start({ db: opened.db, databaseUrl: opened.databaseUrl, log, supervise: true, lease });
    cleanup.push(() => queue.stop(10));
    return queue;
  }

  it("a job running three times its lease, with a second process's queue sweeping and polling, runs once and completes", async () => {
    const opened = await open();
    const first = await startQueue(opened);
    const second = await startQueue(opened);
    const runs: string[] = [];
    await first.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.5 }, async () => {
      runs.push("first");
      await sleep(4_500);
    });
    const id = (await first.send(QUEUE, syncInstallationJob("long")))!;
    await waitUntil(() => runs.length === 1);
    await second.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.5 }, () => {
      runs.push("second");
      return Promise.resolve();
    });
    await waitUntil(async () => (await rowsOf(opened.db))[0]?.state === "completed");
    expect(runs).toEqual(["first"]);
    expect((await rowsOf(opened.db)).map(({ id: rowId, state, retry_count }) => ({ id: rowId, state, retry_count }))).toEqual([
      { id, state: "completed", retry_count: 0 },
    ]);
  });

  it("takes back a dead worker's job once its lease runs out: it runs again on a live worker without spending a retry", async () => {
    const opened = await open();
    const { log, lines } = capturedLog();
    const queue = await startQueue(opened, log);
    const id = (await queue.send(QUEUE, syncInstallationJob("orphan")))!;
    await claimByDeadWorker(opened.db, id);
    const handled: Array<Record<string, unknown>> = [];
    await queue.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.5 }, (run) => {
      handled.push(run.data as unknown as Record<string, unknown>);
      return Promise.resolve();
    });
    await waitUntil(async () => (await rowsOf(opened.db))[0]?.state === "completed");
    const [row] = await rowsOf(opened.db);
    expect({ state: row!.state, retry_count: row!.retry_count, takenBack: row!.data.takenBack }).toEqual({ state: "completed", retry_count: 0, takenBack: 1 });
    // The handler sees the job's own data, not the take-back count.
    expect(handled).toEqual([syncInstallationJob("orphan")]);
    expect(lines.filter((line) => String(line.msg).startsWith("jobs whose worker stopped renewing their lease were taken back"))).toEqual([
      expect.objectContaining({ count: 1, jobs: [{ name: QUEUE, id }] }),
    ]);
  });

  it("at start, takes back the jobs the previous process left active on PGlite (failing those taken back twice already), and leaves them to their leases on PostgreSQL", async () => {
    const opened = await open();
    const sender = await JobQueue.start({ db: opened.db, databaseUrl: opened.databaseUrl, log: pino({ level: "silent" }), supervise: false });
    const ids: string[] = [];
    for (const name of ["a", "b", "c", "d"]) ids.push((await sender.send(QUEUE, syncInstallationJob(name)))!);
    await sender.stop(5);
    for (const id of ids.slice(0, 3)) await claimByDeadWorker(opened.db, id);
    await opened.db.query(`UPDATE pgboss.job SET data = data || '{"takenBack": 2}' WHERE id = $1`, [ids[2]]);

    const { log, lines } = capturedLog();
    // The production lease: on PostgreSQL no sweep may take the jobs back while this looks.
    await startQueue(opened, log, {});
    const rows = await rowsOf(opened.db);
    const startLines = lines.filter((line) => String(line.msg).startsWith("jobs left running by the previous process were taken back"));
    if (backend.name === "PGlite") {
      expect(rows.map(({ state, retry_count, started_on, data }) => ({ state, retry_count, started: started_on !== null, takenBack: data.takenBack }))).toEqual([
        { state: "retry", retry_count: 0, started: false, takenBack: 1 },
        { state: "retry", retry_count: 0, started: false, takenBack: 1 },
        // Taken back twice before: this time it counts as a failed attempt (the next fetch spends a retry).
        { state: "retry", retry_count: 0, started: true, takenBack: 2 },
        { state: "created", retry_count: 0, started: false, takenBack: undefined },
      ]);
      expect(rows[2]!.output?.message).toBe("the process running this job stopped 3 times while it ran");
      expect(startLines).toEqual([expect.objectContaining({ takenBack: 2, failed: 1 })]);
    } else {
      expect(rows.map((row) => row.state)).toEqual(["active", "active", "active", "created"]);
      expect(startLines).toEqual([]);
    }
  });

  /** A schedule that does not fire while a test runs (midnight on 1 January): its ticks are the test's own. */
  const TASK = "test-upkeep";
  const NEVER_DURING_TESTS = "0 0 1 1 *";

  /** A tick of the schedule as pg-boss's cron inserts it (the queue's expiry on the row), claimed by a worker or not. */
  async function insertTick(db: Database, { claimedByDeadWorker }: { claimedByDeadWorker: boolean }): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO pgboss.job (name, data, state, started_on, expire_in)
       SELECT $1, '{}'::jsonb, $2::pgboss.job_state, CASE WHEN $3 THEN now() END, expire_seconds * interval '1 second'
       FROM pgboss.queue WHERE name = $1
       RETURNING id::text`,
      [TASK, claimedByDeadWorker ? "active" : "created", claimedByDeadWorker],
    );
    return rows[0]!.id;
  }

  async function tickRowsOf(db: Database) {
    const { rows } = await db.query<{ state: string; retry_count: number; taken_back: string | null }>(
      "SELECT state, retry_count, data->>'takenBack' AS taken_back FROM pgboss.job WHERE name = $1",
      [TASK],
    );
    return rows;
  }

  it("takes back a scheduled task's run left by a dead process: it runs again on a live one without spending a retry", async () => {
    const opened = await open();
    const queue = await startQueue(opened);
    await queue.schedule(TASK, NEVER_DURING_TESTS);
    await insertTick(opened.db, { claimedByDeadWorker: true });
    let runs = 0;
    await queue.workSchedule(TASK, 0.5, () => {
      runs++;
      return Promise.resolve();
    });
    await waitUntil(async () => (await tickRowsOf(opened.db))[0]?.state === "completed");
    expect(runs).toBe(1);
    expect(await tickRowsOf(opened.db)).toEqual([{ state: "completed", retry_count: 0, taken_back: "1" }]);
  });

  it("a scheduled task running three times its lease, with a second process sweeping and working the schedule, runs once", async () => {
    const opened = await open();
    const first = await startQueue(opened);
    const second = await startQueue(opened);
    await first.schedule(TASK, NEVER_DURING_TESTS);
    await second.schedule(TASK, NEVER_DURING_TESTS);
    const runs: string[] = [];
    await first.workSchedule(TASK, 0.5, async () => {
      runs.push("first");
      await sleep(4_500);
    });
    await insertTick(opened.db, { claimedByDeadWorker: false });
    await waitUntil(() => runs.length === 1);
    await second.workSchedule(TASK, 0.5, () => {
      runs.push("second");
      return Promise.resolve();
    });
    await waitUntil(async () => (await tickRowsOf(opened.db))[0]?.state === "completed");
    expect(runs).toEqual(["first"]);
    expect(await tickRowsOf(opened.db)).toEqual([{ state: "completed", retry_count: 0, taken_back: null }]);
  });
});
