import { performance } from "node:perf_hooks";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { JOB_QUEUE_SCHEMA } from "./job-queue-schema.js";
import { rowExpirySeconds, type JobLeaseSettings } from "./job-lease-settings.js";

export interface JobLeaseOptions {
  db: PgBoss.Db;
  /** The job's queue and id. */
  name: string;
  id: string;
  /**
   * When the fetch that gave this worker the job started it (the row's `started_on`). A row
   * started at another time is a later run of the same job: the lease is not this worker's.
   */
  startedOn: Date;
  settings: JobLeaseSettings;
  log: Logger;
  /** Called once, when a renewal finds the job taken back: the run must stop. */
  onLost?: () => void;
}

/**
 * Keeps one running job claimed by this worker: every `renewIntervalSeconds` the row's expiry is
 * moved to the lease (plus its grace) from now, for as long as the row is still this run's
 * (active, and started when this worker fetched it). Once a renewal finds the row taken back
 * (the lease ran out: the database was out of reach, or the process stalled, for a whole lease)
 * the lease is lost for good: another worker may be running the job, so this run's outcome must
 * not be recorded over it.
 */
export class JobLease {
  readonly #options: JobLeaseOptions;
  /** `performance.now()` when the last renewal that found the row this run's was sent (or the job was fetched). */
  #heldSince = performance.now();
  #lost = false;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(options: JobLeaseOptions) {
    this.#options = options;
  }

  /** Starts renewing. */
  start(): void {
    this.#timer ??= setInterval(() => {
      this.#renewing ??= this.#renew().finally(() => (this.#renewing = undefined));
    }, this.#options.settings.renewIntervalSeconds * 1000);
    this.#timer.unref();
  }

  /** Stops renewing (waits for a renewal under way). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
  }

  /**
   * Whether the job is still this run's, to record its outcome: false once a renewal found it
   * taken back. When the last renewal that found it held is more than half a lease old, it asks
   * the database once more.
   */
  async held(): Promise<boolean> {
    await this.#renewing;
    if (this.#lost) return false;
    if (performance.now() - this.#heldSince < (this.#options.settings.leaseSeconds * 1000) / 2) return true;
    await this.#renew();
    return !this.#lost;
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    const { db, name, id, startedOn, settings, log } = this.#options;
    const sent = performance.now();
    try {
      const { rows } = await db.executeSql(
        `UPDATE ${JOB_QUEUE_SCHEMA}.job SET expire_in = (now() - started_on) + $3 * interval '1 second'
         WHERE name = $1 AND id = $2 AND state = 'active'
           AND started_on BETWEEN $4::timestamptz - interval '1 millisecond' AND $4::timestamptz + interval '1 millisecond'
         RETURNING id`,
        [name, id, rowExpirySeconds(settings), startedOn.toISOString()],
      );
      if (rows.length > 0) {
        this.#heldSince = sent;
        return;
      }
      this.#lost = true;
      clearInterval(this.#timer);
      this.#options.onLost?.();
      log.error(
        { job_name: name, job_id: id, leaseSeconds: settings.leaseSeconds },
        "a running job's lease was lost (its row was taken back or finished elsewhere); this run's outcome will not be recorded",
      );
    } catch (error) {
      log.warn({ err: error, job_name: name, job_id: id }, "renewing a running job's lease failed; trying again at the next renewal");
    }
  }
}
