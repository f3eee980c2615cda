import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { JobLeaseSettings } from "./job-lease-settings.js";
import { takeBackJobs } from "./take-back-jobs.js";

export interface TakeBackSweeperOptions {
  db: PgBoss.Db;
  /**
   * Queues whose jobs are never taken back (the dead-letter queue, which nothing works). Every
   * other queue is worked by `QueueWorker`s, which renew leases: job kinds and scheduled tasks
   * alike, whichever process registered them.
   */
  skipQueues: readonly string[];
  settings: JobLeaseSettings;
  log: Logger;
}

/**
 * Every `takeBackIntervalSeconds`, takes back the jobs whose lease ran out (see `takeBackJobs`):
 * their worker is gone, so they run again, on any process, without spending a retry. Runs in
 * every supervising process; sweeps of several processes never take a job back twice.
 */
export class TakeBackSweeper {
  readonly #options: TakeBackSweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(options: TakeBackSweeperOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#sweeping ??= this.sweep().finally(() => (this.#sweeping = undefined));
    }, this.#options.settings.takeBackIntervalSeconds * 1000);
    this.#timer.unref();
  }

  /** Stops sweeping (waits for a sweep under way). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  /** One sweep; failures are logged, and the next sweep tries again. */
  async sweep(): Promise<void> {
    const { db, skipQueues, settings, log } = this.#options;
    try {
      const taken = await takeBackJobs({
        db,
        scope: { kind: "expired", skipQueues, expiryGraceSeconds: settings.expiryGraceSeconds },
        freeTakeBacks: settings.freeTakeBacks,
      });
      if (taken.length > 0) {
        log.warn(
          { count: taken.length, jobs: taken, leaseSeconds: settings.leaseSeconds },
          "jobs whose worker stopped renewing their lease were taken back; they run again without spending a retry",
        );
      }
    } catch (error) {
      log.error({ err: error }, "taking back jobs whose lease ran out failed; the next sweep tries again");
    }
  }
}
