import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import PgBoss from "pg-boss";
import { pino } from "pino";
import { createPgliteDatabase } from "../src/db/create-pglite-database.js";
import { createPostgresDatabase } from "../src/db/create-postgres-database.js";
import type { Database } from "../src/db/database.js";
import { runMigrations } from "../src/db/run-migrations.js";
import type { JobData } from "../src/jobs/job-payloads.js";
import { JobQueue } from "../src/jobs/job-queue.js";
import { pgliteBossExecutor } from "../src/jobs/pglite-boss-executor.js";
import { syncInstallationJob } from "../test/support/sync-installation-job.js";
import { formatCount, formatRatio, type BenchTable } from "./bench-table.js";
import { createBenchDatabase } from "./support/create-bench-database.js";

/** The backlog the app's workers drain. */
const JOBS = 1_000;
/**
 * The backlog the previous loop drains: it takes one job per worker per polling interval
 * whatever the job costs, so its rate is the same at any size; 40 jobs take about 20 s.
 */
const BASELINE_JOBS = 40;
/** The defaults of WORKER_CONCURRENCY and JOB_POLL_INTERVAL_SECONDS. */
const CONCURRENCY = 4;
const POLL_INTERVAL_SECONDS = 2;
const QUEUE = "sync-installation";

const log = pino({ level: "silent" });

/** The queue suites' cheap job, spread over ten installations. */
const jobData = (i: number): JobData<typeof QUEUE> => ({ ...syncInstallationJob(`drain-${i}`), installationId: 1 + (i % 10) });

interface Drained {
  jobs: number;
  seconds: number;
  mostAtOnce: number;
}

/** A cheap job: one query on the app's database. Counts how many run at once. */
function cheapHandler(db: Database): { run: () => Promise<void>; mostAtOnce: () => number; ran: () => number } {
  let running = 0;
  let most = 0;
  let ran = 0;
  return {
    run: async () => {
      running++;
      most = Math.max(most, running);
      try {
        await db.query("SELECT 1");
      } finally {
        running--;
        ran++;
      }
    },
    mostAtOnce: () => most,
    ran: () => ran,
  };
}

async function completed(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'", [QUEUE]);
  return rows[0]?.n ?? 0;
}

/**
 * Seconds from `start()` until `target` jobs of the queue are completed in the database. The
 * database is asked only once the handler has run `jobs` times, so the asking does not slow the
 * drain (PGlite runs every query on this thread).
 */
async function timeUntilCompleted({ db, jobs, target, ran, start }: { db: Database; jobs: number; target: number; ran: () => number; start: () => Promise<void> }): Promise<number> {
  const started = performance.now();
  await start();
  while (ran() < jobs) await sleep(5);
  while ((await completed(db)) < target) await sleep(5);
  return (performance.now() - started) / 1000;
}

/**
 * The loop as it was: WORKER_CONCURRENCY pg-boss workers per kind, each fetching one job and
 * then waiting out the polling interval (pg-boss 10's `work` with batchSize 1).
 */
async function drainWithPreviousLoop({ db, databaseUrl, queue }: { db: Database; databaseUrl: string | undefined; queue: JobQueue }): Promise<Drained> {
  const boss = new PgBoss({
    ...(databaseUrl ? { connectionString: databaseUrl, max: 5 } : { db: pgliteBossExecutor(db) }),
    supervise: false,
    schedule: false,
    migrate: false,
  });
  boss.on("error", () => undefined);
  await boss.start();
  for (let i = 0; i < BASELINE_JOBS; i++) await queue.send(QUEUE, jobData(i));
  const handler = cheapHandler(db);
  const seconds = await timeUntilCompleted({
    db,
    jobs: BASELINE_JOBS,
    target: BASELINE_JOBS,
    ran: handler.ran,
    start: async () => {
      for (let i = 0; i < CONCURRENCY; i++) {
        await boss.work(QUEUE, { batchSize: 1, pollingIntervalSeconds: POLL_INTERVAL_SECONDS }, () => handler.run());
      }
    },
  });
  await boss.stop({ graceful: true, wait: true, timeout: 5_000, close: true });
  return { jobs: BASELINE_JOBS, seconds, mostAtOnce: handler.mostAtOnce() };
}

/** The app's workers (`JobQueue.work`) with the same settings. */
async function drainWithQueueWorkers({ db, queue }: { db: Database; queue: JobQueue }): Promise<Drained> {
  const before = await completed(db);
  for (let i = 0; i < JOBS; i++) await queue.send(QUEUE, jobData(i));
  const handler = cheapHandler(db);
  const seconds = await timeUntilCompleted({
    db,
    jobs: JOBS,
    target: before + JOBS,
    ran: handler.ran,
    start: () => queue.work(QUEUE, { concurrency: CONCURRENCY, pollIntervalSeconds: POLL_INTERVAL_SECONDS }, () => handler.run()),
  });
  return { jobs: JOBS, seconds, mostAtOnce: handler.mostAtOnce() };
}

async function drainOn(backend: { db: Database; databaseUrl: string | undefined }): Promise<{ previous: Drained; now: Drained }> {
  await runMigrations({ db: backend.db });
  const queue = await JobQueue.start({ db: backend.db, databaseUrl: backend.databaseUrl, log, supervise: false });
  try {
    const previous = await drainWithPreviousLoop({ ...backend, queue });
    const now = await drainWithQueueWorkers({ ...backend, queue });
    return { previous, now };
  } finally {
    await queue.stop(10);
  }
}

const rate = (d: Drained) => d.jobs / d.seconds;

export async function benchQueueDrain(): Promise<BenchTable> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const add = (name: string, { previous, now }: { previous: Drained; now: Drained }) => {
    const row = (loop: string, d: Drained, ratio: string) => [name, loop, formatCount(d.jobs), d.seconds.toFixed(2), rate(d).toFixed(1), ratio, String(d.mostAtOnce)];
    rows.push(row("previous loop (baseline)", previous, "1.00×"));
    rows.push(row("queue workers", now, formatRatio(rate(now) / rate(previous))));
    notes.push(`${name}: ${formatCount(JOBS)} jobs took ${now.seconds.toFixed(1)} s; at the previous loop's rate they would take ${(JOBS / rate(previous)).toFixed(0)} s.`);
  };

  const pglite = await createPgliteDatabase({});
  try {
    add("PGlite", await drainOn({ db: pglite, databaseUrl: undefined }));
  } finally {
    await pglite.close();
  }

  const postgres = await createBenchDatabase();
  if (postgres.url === undefined) {
    notes.push(`PostgreSQL rows left out: ${postgres.problem}`);
  } else {
    const db = createPostgresDatabase({ url: postgres.url });
    try {
      add("PostgreSQL", await drainOn({ db, databaseUrl: postgres.url }));
    } finally {
      await db.close();
      await postgres.drop();
    }
  }

  return {
    title: `Queue drain: a backlog of cheap jobs (one query each), WORKER_CONCURRENCY ${CONCURRENCY}, JOB_POLL_INTERVAL_SECONDS ${POLL_INTERVAL_SECONDS}`,
    headers: ["database", "loop", "jobs", "seconds", "jobs/s", "rate vs baseline", "most at once"],
    rows,
    notes: [
      `Baseline, in the same run on the same database: the previous loop, ${CONCURRENCY} pg-boss workers of batchSize 1 that wait out the ${POLL_INTERVAL_SECONDS} s polling interval after every fetch. Its rate does not depend on the backlog, so it drains ${BASELINE_JOBS} jobs instead of ${formatCount(JOBS)}.`,
      `"most at once": jobs seen running together; WORKER_CONCURRENCY bounds it per kind and process.`,
      ...notes,
    ],
  };
}
