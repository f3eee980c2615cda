import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Database, Queryable } from "../db/database.js";
import type { JobData, JobName } from "./job-payloads.js";
import { DEAD_LETTER_QUEUE, jobNames, jobPolicies, type JobPolicy } from "./job-policies.js";
import { pgliteBossExecutor } from "./pglite-boss-executor.js";

export interface JobQueueOptions {
  db: Database;
  /** PostgreSQL URL for pg-boss's own pool; omitted on PGlite, where it shares `db`. */
  databaseUrl: string | undefined;
  log: Logger;
  /** Run maintenance (expiry, retention) and cron schedules in this process. */
  supervise: boolean;
  /** Overrides of the retry policies in `jobPolicies`, by job kind. */
  policies?: Partial<Record<JobName, JobPolicy>>;
}

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
}

/** The durable job queue (pg-boss on the app's database), typed by job kind. */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #log: Logger;
  readonly #policies: Record<JobName, JobPolicy>;

  private constructor(boss: PgBoss, log: Logger, policies: Record<JobName, JobPolicy>) {
    this.#boss = boss;
    this.#log = log;
    this.#policies = policies;
  }

  /** Connects pg-boss, installs or upgrades its schema, and creates every queue. */
  static async start({ db, databaseUrl, log, supervise, policies: overrides }: JobQueueOptions): Promise<JobQueue> {
    const policies = { ...jobPolicies, ...overrides };
    const boss = new PgBoss({
      ...(databaseUrl ? { connectionString: databaseUrl, max: 5 } : { db: pgliteBossExecutor(db) }),
      supervise,
      schedule: supervise,
      migrate: true,
    });
    boss.on("error", (error) => log.error({ err: error }, "job queue error"));
    await boss.start();
    await createQueue(boss, DEAD_LETTER_QUEUE, {});
    for (const name of jobNames) {
      await createQueue(boss, name, { ...policies[name], deadLetter: DEAD_LETTER_QUEUE });
    }
    return new JobQueue(boss, log, policies);
  }

  async send<N extends JobName>(name: N, data: JobData<N>, options: SendOptions = {}): Promise<string | null> {
    const { tx, startAfter } = options;
    return this.#boss.send(name, data, {
      ...this.#policies[name],
      deadLetter: DEAD_LETTER_QUEUE,
      ...(startAfter ? { startAfter } : {}),
      ...(tx ? { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } } : {}),
    });
  }

  /**
   * Runs `handler` for jobs of `name`, `concurrency` at a time. A handler that throws fails
   * the job, which pg-boss retries with backoff and finally moves to the dead-letter queue.
   */
  async work<N extends JobName>(
    name: N,
    options: { concurrency: number; pollIntervalSeconds: number },
    handler: (job: QueuedJob<N>) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < options.concurrency; i++) {
      await this.#boss.work<JobData<N>>(
        name,
        { batchSize: 1, pollingIntervalSeconds: options.pollIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) await handler({ id: job.id, name, data: job.data });
        },
      );
    }
  }

  /** Registers a cron schedule; pg-boss fires it once across all processes sharing the database. */
  async schedule(name: string, cron: string): Promise<void> {
    await createQueue(this.#boss, name, { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 900 });
    await this.#boss.schedule(name, cron, {}, { tz: "UTC" });
  }

  async workSchedule(name: string, pollIntervalSeconds: number, task: () => Promise<void>): Promise<void> {
    await this.#boss.work(name, { batchSize: 1, pollingIntervalSeconds: pollIntervalSeconds }, async () => {
      await task();
    });
  }

  /** Jobs waiting in a queue (created or retrying). */
  async size(name: JobName | typeof DEAD_LETTER_QUEUE): Promise<number> {
    return this.#boss.getQueueSize(name);
  }

  async deadLetterCount(): Promise<number> {
    return this.#boss.getQueueSize(DEAD_LETTER_QUEUE);
  }

  /** Stops fetching jobs; waits up to `timeoutSeconds` for running ones to finish. */
  async stop(timeoutSeconds: number): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.#boss.once("stopped", () => resolve()));
    await this.#boss.stop({ graceful: true, wait: true, timeout: timeoutSeconds * 1000, close: true });
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 100))]);
    this.#log.debug("job queue stopped");
  }
}

/** Creates the queue if missing (pg-boss ignores a concurrent duplicate) and applies `options`. */
async function createQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
  await boss.createQueue(name, { name, ...options });
  await boss.updateQueue(name, { name, ...options });
}
