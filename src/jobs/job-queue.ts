import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Database, Queryable } from "../db/database.js";
import { jobInstallationProblem } from "./job-installation-problem.js";
import { jobLeaseSettings, rowExpirySeconds, type JobLeaseSettings } from "./job-lease-settings.js";
import { JOB_QUEUE_SCHEMA } from "./job-queue-schema.js";
import type { JobData, JobName } from "./job-payloads.js";
import { DEAD_LETTER_QUEUE, jobNames, jobPolicies, type JobPolicy } from "./job-policies.js";
import { pgliteBossExecutor } from "./pglite-boss-executor.js";
import { pinCronDefaults } from "./pin-cron-defaults.js";
import { QueueWorker, STOP_GRACE_SECONDS, type QueueWorkerOptions } from "./queue-worker.js";
import { RefusedJobError } from "./refused-job-error.js";
import { JOB_TAKE_BACKS_FIELD, jobsTakenBackTooOften, takeBackJobs } from "./take-back-jobs.js";
import { TakeBackSweeper } from "./take-back-sweeper.js";

export { JOB_QUEUE_SCHEMA } from "./job-queue-schema.js";

/**
 * The member of a stored job's data that names its kind, so a dead-lettered job (which pg-boss
 * moves to one shared queue) can be listed by kind and sent back to its own queue.
 */
export const JOB_KIND_FIELD = "jobKind";

export interface JobQueueOptions {
  db: Database;
  /** PostgreSQL URL for pg-boss's own pool; omitted on PGlite, where it shares `db`. */
  databaseUrl: string | undefined;
  log: Logger;
  /**
   * Run maintenance (taking back jobs whose lease ran out, pg-boss's expiry and retention) and
   * cron schedules in this process. On PGlite, a supervising start also takes back every job
   * left active by the previous process (one process owns a PGlite database).
   */
  supervise: boolean;
  /** Overrides of the retry policies in `jobPolicies`, by job kind. */
  policies?: Partial<Record<JobName, JobPolicy>>;
  /** Overrides of the running jobs' lease (see `jobLeaseSettings`); the defaults suit production. */
  lease?: Partial<JobLeaseSettings>;
  /** Seconds a stopped job's handler is given to return (`STOP_GRACE_SECONDS` unless given). */
  stopGraceSeconds?: number;
}

/** Seconds a scheduled task's run may take before it is stopped and retried. */
export const SCHEDULED_TASK_TIME_LIMIT_SECONDS = 900;

export interface SendOptions {
  /** Send inside this transaction, so the job exists only if the transaction commits. */
  tx?: Queryable;
  startAfter?: Date;
}

/** A job as a handler sees it. */
export interface QueuedJob<N extends JobName> {
  id: string;
  name: N;
  data: JobData<N>;
  /**
   * Aborts when the worker stops the job: its time limit passed, or its lease was lost (see
   * `QueueWorker`). Absent when a job is run outside a worker.
   */
  signal?: AbortSignal;
}

/** The durable job queue (pg-boss on the app's database), typed by job kind. */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #log: Logger;
  readonly #policies: Record<JobName, JobPolicy>;
  readonly #lease: JobLeaseSettings;
  readonly #sweeper: TakeBackSweeper | undefined;
  readonly #stopGraceSeconds: number;
  readonly #workers: Array<Pick<QueueWorker<never>, "name" | "stop" | "wake">> = [];

  private constructor({
    boss,
    log,
    policies,
    lease,
    sweeper,
    stopGraceSeconds,
  }: {
    boss: PgBoss;
    log: Logger;
    policies: Record<JobName, JobPolicy>;
    lease: JobLeaseSettings;
    sweeper: TakeBackSweeper | undefined;
    stopGraceSeconds: number;
  }) {
    this.#boss = boss;
    this.#stopGraceSeconds = stopGraceSeconds;
    this.#log = log;
    this.#policies = policies;
    this.#lease = lease;
    this.#sweeper = sweeper;
  }

  /**
   * Connects pg-boss, installs or upgrades its schema, and creates every queue. A supervising
   * queue takes back, every `takeBackIntervalSeconds`, the jobs whose lease ran out; on PGlite
   * it first takes back every job left active by the previous process, before any worker runs.
   */
  static async start({ db, databaseUrl, log, supervise, policies: overrides, lease: leaseOverrides, stopGraceSeconds }: JobQueueOptions): Promise<JobQueue> {
    const policies = { ...jobPolicies, ...overrides };
    const lease = jobLeaseSettings(leaseOverrides);
    pinCronDefaults();
    const boss = new PgBoss({
      ...(databaseUrl ? { connectionString: databaseUrl, max: 5 } : { db: pgliteBossExecutor(db) }),
      supervise,
      schedule: supervise,
      migrate: true,
      maintenanceIntervalSeconds: lease.maintenanceIntervalSeconds,
    });
    boss.on("error", (error) => log.error({ err: error }, "job queue error"));
    await boss.start();
    await createQueue(boss, DEAD_LETTER_QUEUE, {});
    for (const name of jobNames) {
      await createQueue(boss, name, { ...queueOptions(policies[name], lease), deadLetter: DEAD_LETTER_QUEUE });
    }
    if (supervise && !databaseUrl) await takeBackLeftovers({ boss, lease, log });
    let sweeper: TakeBackSweeper | undefined;
    if (supervise) {
      sweeper = new TakeBackSweeper({ db: boss.getDb(), skipQueues: [DEAD_LETTER_QUEUE], settings: lease, log });
      sweeper.start();
    }
    return new JobQueue({ boss, log, policies, lease, sweeper, stopGraceSeconds: stopGraceSeconds ?? STOP_GRACE_SECONDS });
  }

  /**
   * Enqueues a job. A job must name its installation: one that does not is refused here with
   * an error (and, should one reach a worker anyway, again there: see `runQueuedJob`).
   */
  async send<N extends JobName>(name: N, data: JobData<N>, options: SendOptions = {}): Promise<string | null> {
    const problem = jobInstallationProblem(data);
    if (problem) throw new Error(`Job "${name}" refused: ${problem}`);
    const { tx, startAfter } = options;
    // A job sent again (deferred, or back from the dead-letter queue) starts with no take-backs.
    const { [JOB_TAKE_BACKS_FIELD]: _takenBack, ...fresh } = data as JobData<N> & { [JOB_TAKE_BACKS_FIELD]?: number };
    const id = await this.#boss.send(name, { ...fresh, [JOB_KIND_FIELD]: name }, {
      ...queueOptions(this.#policies[name], this.#lease),
      deadLetter: DEAD_LETTER_QUEUE,
      ...(startAfter ? { startAfter } : {}),
      ...(tx ? { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } } : {}),
    });
    // Inside a transaction the job is not visible until the caller commits: it calls `jobsAdded`.
    if (!tx && !startAfter) this.jobsAdded(name);
    return id;
  }

  /**
   * Jobs of `name` were just committed (by `send` outside a transaction, or by a caller after
   * its transaction): this process's idle workers of that kind fetch at once instead of at the
   * end of their polling interval. Workers of other processes find them when they next poll.
   */
  jobsAdded(name: JobName): void {
    for (const worker of this.#workers) if (worker.name === name) worker.wake();
  }

  /**
   * Runs `handler` for jobs of `name`, at most `concurrency` at a time in this process. While
   * jobs wait, a free slot takes the next one at once; only when the queue is empty does the
   * worker wait `pollIntervalSeconds` before asking again (see `QueueWorker`). Each job is
   * completed or failed on its own. A handler that throws fails the job: it is retried after
   * the policy's next delay (30 s, 5 min, 30 min…) and, once they are spent, moved to the
   * dead-letter queue; a `RefusedJobError` goes there at once. While the handler runs, the
   * job's lease is renewed; a job running longer than its policy's `expireInSeconds` fails.
   */
  work<N extends JobName>(
    name: N,
    options: { concurrency: number; pollIntervalSeconds: number },
    handler: (job: QueuedJob<N>) => Promise<void>,
  ): Promise<void> {
    return this.#startWorker<JobData<N>>({
      name,
      concurrency: options.concurrency,
      pollIntervalSeconds: options.pollIntervalSeconds,
      timeLimitSeconds: this.#policies[name].expireInSeconds,
      run: async (job, signal) => {
        const {
          [JOB_KIND_FIELD]: _kind,
          [JOB_TAKE_BACKS_FIELD]: _takenBack,
          ...data
        } = job.data as JobData<N> & { [JOB_KIND_FIELD]?: string; [JOB_TAKE_BACKS_FIELD]?: number };
        try {
          await handler({ id: job.id, name, data: data as JobData<N>, signal });
        } catch (error) {
          await this.#prepareRetry({ name, id: job.id, retryCount: job.retryCount, error });
          throw error;
        }
      },
    });
  }

  /** Starts a `QueueWorker` with this queue's database, lease, stop grace and logger; `stop` stops it. */
  #startWorker<T>(options: Omit<QueueWorkerOptions<T>, "boss" | "lease" | "stopGraceSeconds" | "log">): Promise<void> {
    const worker = new QueueWorker<T>({ ...options, boss: this.#boss, lease: this.#lease, stopGraceSeconds: this.#stopGraceSeconds, log: this.#log });
    this.#workers.push(worker);
    worker.start();
    return Promise.resolve();
  }

  /**
   * pg-boss retries a failed job after the delay stored on the job itself: before it fails, set
   * that to this attempt's entry of the policy (it has no schedule of delays of its own), or,
   * for a refused job, spend its retries so it is dead-lettered now.
   */
  async #prepareRetry({ name, id, retryCount, error }: { name: JobName; id: string; retryCount: number; error: unknown }): Promise<void> {
    const db = this.#boss.getDb();
    if (error instanceof RefusedJobError) {
      await db.executeSql(`UPDATE ${JOB_QUEUE_SCHEMA}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`, [name, id]);
      return;
    }
    const delay = this.#policies[name].retryDelays[retryCount];
    if (delay === undefined) return;
    await db.executeSql(`UPDATE ${JOB_QUEUE_SCHEMA}.job SET retry_delay = $3 WHERE name = $1 AND id = $2`, [name, id, delay]);
  }

  /**
   * Registers a cron schedule; pg-boss fires it once across all processes sharing the database
   * (one job per tick in the schedule's queue). A failed run is retried twice, 30 s and then
   * 60 s later.
   */
  async schedule(name: string, cron: string): Promise<void> {
    await createQueue(this.#boss, name, { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: rowExpirySeconds(this.#lease) });
    await this.#boss.schedule(name, cron, {}, { tz: "UTC" });
  }

  /**
   * Runs `task` for each tick of the schedule `name`, one at a time in this process, as jobs
   * are run (see `work`): its lease is renewed while it runs, so a task whose process dies runs
   * again within about a minute on another, and no sweep takes a long run from a live process;
   * past `SCHEDULED_TASK_TIME_LIMIT_SECONDS` it is stopped (its signal aborts) and retried.
   */
  workSchedule(name: string, pollIntervalSeconds: number, task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return this.#startWorker<object>({
      name,
      concurrency: 1,
      pollIntervalSeconds,
      timeLimitSeconds: SCHEDULED_TASK_TIME_LIMIT_SECONDS,
      run: (_tick, signal) => task(signal),
    });
  }

  /** Jobs waiting in a queue (created or retrying). */
  async size(name: JobName | typeof DEAD_LETTER_QUEUE): Promise<number> {
    return this.#boss.getQueueSize(name);
  }

  async deadLetterCount(): Promise<number> {
    return this.#boss.getQueueSize(DEAD_LETTER_QUEUE);
  }

  /**
   * Stops fetching jobs; waits up to `timeoutSeconds` for running ones to finish. Jobs still
   * running then are failed, so they are retried (by another process, or after a restart).
   */
  async stop(timeoutSeconds: number): Promise<void> {
    const started = Date.now();
    const deadline = started + timeoutSeconds * 1000;
    await this.#sweeper?.stop();
    const workers = this.#workers.splice(0);
    const leftovers = await Promise.all(workers.map(async (worker) => ({ name: worker.name, ids: await worker.stop(deadline) })));
    for (const { name, ids } of leftovers) {
      if (ids.length === 0) continue;
      this.#log.warn({ job_name: name, job_ids: ids, timeoutSeconds }, "jobs still running at shutdown were failed; they are retried");
      const error = new Error(`the worker stopped while the job ran (SHUTDOWN_TIMEOUT_SECONDS ${timeoutSeconds} passed)`);
      for (const id of ids) await this.#boss.fail(name, id, error);
    }
    const stopped = new Promise<void>((resolve) => this.#boss.once("stopped", () => resolve()));
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    await this.#boss.stop({ graceful: true, wait: true, timeout: left * 1000, close: true });
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 100))]);
    this.#log.debug("job queue stopped");
  }
}

/**
 * A policy in pg-boss's terms: one retry per delay, each delay set per attempt (see
 * `#prepareRetry`). The row's expiry is the first lease plus its grace (`rowExpirySeconds`),
 * renewed while the job runs; the policy's `expireInSeconds` is the worker's time limit.
 */
function queueOptions(
  policy: JobPolicy,
  lease: JobLeaseSettings,
): { retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds: number } {
  return { retryLimit: policy.retryDelays.length, retryDelay: policy.retryDelays[0] ?? 0, retryBackoff: false, expireInSeconds: rowExpirySeconds(lease) };
}

/**
 * At a PGlite start, before any worker runs: every job still active was left by the previous
 * process (it was killed, or its machine went down), so it is taken back to run at once without
 * spending a retry (see `takeBackJobs`). A job taken back `freeTakeBacks` times already is
 * failed instead, which spends a retry, so a job that kills the process ends in the dead-letter
 * queue rather than taking every start down.
 */
async function takeBackLeftovers({ boss, lease, log }: { boss: PgBoss; lease: JobLeaseSettings; log: Logger }): Promise<void> {
  const db = boss.getDb();
  const taken = await takeBackJobs({ db, scope: { kind: "all" }, freeTakeBacks: lease.freeTakeBacks });
  const tooOften = await jobsTakenBackTooOften({ db, freeTakeBacks: lease.freeTakeBacks });
  const error = { message: `the process running this job stopped ${lease.freeTakeBacks + 1} times while it ran` };
  for (const { name, id } of tooOften) await boss.fail(name, id, error);
  if (taken.length + tooOften.length === 0) return;
  log.warn(
    { takenBack: taken.length, failed: tooOften.length, jobs: [...taken, ...tooOften] },
    "jobs left running by the previous process were taken back: they run again now, without spending a retry (those it left running too often were failed)",
  );
}

/** Creates the queue if missing (pg-boss ignores a concurrent duplicate) and applies `options`. */
async function createQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
  await boss.createQueue(name, { name, ...options });
  await boss.updateQueue(name, { name, ...options });
}
