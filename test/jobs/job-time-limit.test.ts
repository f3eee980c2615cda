import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { jobPolicies, type JobPolicy } from "../../src/jobs/job-policies.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { JobStoppedError } from "../../src/jobs/job-stopped-error.js";
import { capturedLog } from "../support/captured-log.js";
import { databaseBackends } from "../support/database-backends.js";
import { syncInstallationJob } from "../support/sync-installation-job.js";
import { waitUntil } from "../support/wait-for.js";

const QUEUE = "sync-installation";
/** A time limit a test can outlive: 1 s, and a retry 1 s after the failure. */
const SHORT_LIMIT: JobPolicy = { ...jobPolicies[QUEUE], expireInSeconds: 1, retryDelays: [1] };

interface JobRow {
  state: string;
  retry_count: number;
  output: { message?: string } | null;
}

async function rowOf(db: Database): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>("SELECT state, retry_count, output FROM pgboss.job WHERE name = $1", [QUEUE]);
  return rows[0];
}

/** Resolves with the signal's reason once it aborts. */
function stopOf(signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return Promise.reject(new Error("the worker gave the job no signal"));
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));
}

describe.each(databaseBackends)("jobs past their time limit on $name", (backend) => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  async function start({
    log = pino({ level: "silent" }),
    stopGraceSeconds,
    policy = SHORT_LIMIT,
  }: { log?: pino.Logger; stopGraceSeconds?: number; policy?: JobPolicy } = {}) {
    const opened = await backend.open();
    cleanup.push(opened.cleanup);
    const queue = await JobQueue.start({
      db: opened.db,
      databaseUrl: opened.databaseUrl,
      log,
      supervise: true,
      policies: { [QUEUE]: policy },
      lease: { leaseSeconds: 1.5 },
      ...(stopGraceSeconds === undefined ? {} : { stopGraceSeconds }),
    });
    cleanup.push(() => queue.stop(5));
    return { db: opened.db, queue };
  }

  it("stops the run: its signal aborts with the time limit, and the retry starts only after the stopped run has returned", async () => {
    const { db, queue } = await start();
    const events: string[] = [];
    let attempt = 0;
    await queue.work(QUEUE, { concurrency: 2, pollIntervalSeconds: 0.2 }, async (run) => {
      const mine = ++attempt;
      events.push(`run ${mine} started`);
      if (mine > 1) return;
      const reason = await stopOf(run.signal);
      events.push(`run 1 stopped: ${reason instanceof JobStoppedError ? reason.kind : String(reason)}`);
      // What a stopped handler still does on its way out: a statement or a cut-off request.
      await sleep(1_500);
      events.push("run 1 returned");
      throw reason;
    });
    await queue.send(QUEUE, syncInstallationJob("slow"));
    await waitUntil(async () => (await rowOf(db))?.state === "completed");
    expect(events).toEqual(["run 1 started", "run 1 stopped: time-limit", "run 1 returned", "run 2 started"]);
    expect(await rowOf(db)).toEqual({ state: "completed", retry_count: 1, output: null });
  });

  it("records the stop as the failure even when the stopped handler returns without an error, and retries the job", async () => {
    const { db, queue } = await start();
    await queue.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.2 }, async (run) => {
      // Swallows the stop: a run that stopped halfway must not count as done.
      await stopOf(run.signal);
    });
    await queue.send(QUEUE, syncInstallationJob("swallows"));
    await waitUntil(async () => (await rowOf(db))?.state === "retry");
    const row = await rowOf(db);
    expect(row?.retry_count).toBe(0);
    expect(row?.output?.message).toBe("the job did not finish within 1000 ms (its policy's expireInSeconds); it was stopped and is retried");
  });

  it("frees the slot of a handler that does not return within the grace after its stop, fails the job, and says so in the log", async () => {
    const { log, lines } = capturedLog();
    const { db, queue } = await start({ log, stopGraceSeconds: 1 });
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    cleanup.push(() => Promise.resolve(release()));
    let attempt = 0;
    await queue.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.2 }, async () => {
      // The first run ignores its signal; its retry gets the slot back.
      if (++attempt === 1) await stuck;
    });
    await queue.send(QUEUE, syncInstallationJob("stuck"));
    await waitUntil(async () => (await rowOf(db))?.state === "completed");
    expect(attempt).toBe(2);
    expect((await rowOf(db))?.retry_count).toBe(1);
    expect(lines.filter((line) => String(line.msg).startsWith("a stopped job's handler did not return"))).toEqual([
      expect.objectContaining({ job_name: QUEUE, stopGraceSeconds: 1, reason: expect.stringContaining("did not finish within 1000 ms") }),
    ]);
  });

  it("stops a run whose lease was lost, records nothing for it, and the job runs again", async () => {
    // The policy's own time limit: only the lost lease may stop this run.
    const { db, queue } = await start({ policy: jobPolicies[QUEUE] });
    const reasons: string[] = [];
    await queue.work(QUEUE, { concurrency: 1, pollIntervalSeconds: 0.2 }, async (run) => {
      if (reasons.length > 0) {
        reasons.push("ran again");
        return;
      }
      const reason = await stopOf(run.signal);
      reasons.push(reason instanceof JobStoppedError ? reason.kind : String(reason));
    });
    await queue.send(QUEUE, syncInstallationJob("taken"));
    await waitUntil(async () => (await rowOf(db))?.state === "active");
    // Another process's sweep took the job back (this worker had stalled past its lease).
    await db.query("UPDATE pgboss.job SET state = 'retry', started_on = NULL, start_after = now() + interval '2 seconds' WHERE name = $1", [QUEUE]);
    await waitUntil(async () => (await rowOf(db))?.state === "completed");
    expect(reasons).toEqual(["lease-lost", "ran again"]);
    // The stopped run recorded no failure: the job's only attempt that counted completed it.
    expect(await rowOf(db)).toEqual({ state: "completed", retry_count: 0, output: null });
  });
});
