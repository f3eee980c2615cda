import { setTimeout as sleep } from "node:timers/promises";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { JobLease } from "./job-lease.js";
import { JobStoppedError } from "./job-stopped-error.js";
import type { JobLeaseSettings } from "./job-lease-settings.js";

/** One fetched job as the worker runs it. */
export type FetchedJob<T> = PgBoss.JobWithMetadata<T>;

export interface QueueWorkerOptions<T> {
  boss: PgBoss;
  name: string;
  /** Jobs of this queue running at once, at most. */
  concurrency: number;
  /** How long to wait before asking again after a fetch found no job. */
  pollIntervalSeconds: number;
  /**
   * Seconds a job may run before the worker stops it (its signal aborts) and counts it as failed,
   * so pg-boss retries it: the job policy's `expireInSeconds`.
   */
  timeLimitSeconds: number;
  /**
   * Seconds a stopped job's handler is given to return (each GitHub request it makes after the
   * stop fails at once), `STOP_GRACE_SECONDS` in production. A handler still running then is
   * left behind, logged, and its slot freed.
   */
  stopGraceSeconds: number;
  /** Each running job's lease is renewed while it runs (see `JobLease`). */
  lease: JobLeaseSettings;
  log: Logger;
  /**
   * Runs one job. Resolving completes it; rejecting fails it (pg-boss retries or dead-letters it).
   * `signal` aborts when the job must stop: its time limit passed, or its lease was lost (another
   * worker may be running it by then); its reason says which.
   */
  run: (job: FetchedJob<T>, signal: AbortSignal) => Promise<void>;
}

/**
 * 30 s: a stopped handler's GitHub requests fail at once, so it returns within a database
 * statement or two; this only bounds one caught in work that does not watch the signal.
 */
export const STOP_GRACE_SECONDS = 30;

/**
 * Works one queue: fetches as many jobs as there are free slots, runs them `concurrency` at a
 * time and completes or fails each one on its own, and asks again at once while fetches find
 * jobs and a slot is free. Only a fetch that finds none waits out the polling interval (cut
 * short by `wake`), so a backlog is worked as fast as the jobs run, not one job per interval
 * per slot.
 *
 * While a job runs its lease is renewed (`JobLease`), so a job that runs long is never taken
 * back from a live worker, and a dead worker's jobs are taken back within about a minute. A run
 * whose lease was lost is stopped and does not record its outcome: the job is another run's by
 * then. A job past its time limit is stopped too, and failed once its handler has returned, so
 * a retry never runs beside the run it replaces.
 *
 * pg-boss's own `work` is not used for this: its loop waits out the interval after every fetch
 * and completes or fails a fetched batch as a whole.
 */
export class QueueWorker<T> {
  readonly #options: QueueWorkerOptions<T>;
  /** Running jobs by id; each promise settles (never rejects) once the job is completed or failed. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  /** Aborts the idle wait under way, if any. */
  #idleWait: AbortController | undefined;
  /** Jobs were added since the last fetch began: do not wait before the next one. */
  #woken = false;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(options: QueueWorkerOptions<T>) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`Worker of "${options.name}": concurrency must be a whole number from 1 (got ${options.concurrency})`);
    }
    this.#options = options;
  }

  /** The queue it works. */
  get name(): string {
    return this.#options.name;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running.size;
  }

  start(): void {
    this.#loop ??= this.#work();
  }

  /**
   * Jobs were just committed to the queue: an idle worker asks at once instead of at the end of
   * its polling interval (one that is fetching asks once more before it waits).
   */
  wake(): void {
    this.#woken = true;
    this.#idleWait?.abort();
  }

  /**
   * Stops fetching and waits until the running jobs are done or `deadline` (epoch ms) passes.
   * Returns the ids of jobs still running then, for the caller to fail.
   */
  async stop(deadline: number): Promise<string[]> {
    this.#stopping = true;
    this.#stop.abort();
    const remaining = () => Math.max(0, deadline - Date.now());
    await Promise.race([this.#loop, sleep(remaining(), undefined, { ref: false })]);
    if (this.#running.size > 0) {
      await Promise.race([Promise.all(this.#running.values()), sleep(remaining(), undefined, { ref: false })]);
    }
    return [...this.#running.keys()];
  }

  async #work(): Promise<void> {
    const { boss, name, concurrency, pollIntervalSeconds, log } = this.#options;
    while (!this.#stopping) {
      const free = concurrency - this.#running.size;
      if (free === 0) {
        await Promise.race(this.#running.values());
        continue;
      }
      let jobs: FetchedJob<T>[] = [];
      this.#woken = false;
      try {
        jobs = await boss.fetch<T>(name, { batchSize: free, includeMetadata: true });
      } catch (error) {
        log.error({ err: error, queue: name }, "fetching jobs failed; trying again after the polling interval");
      }
      // Jobs fetched while stopping are active already: run them, the stop waits for them.
      for (const job of jobs) this.#running.set(job.id, this.#runOne(job));
      if (jobs.length === 0 && !this.#stopping && !this.#woken) await this.#idle(pollIntervalSeconds * 1000);
    }
  }

  /** Waits `ms`, or less if the worker stops or is woken. */
  async #idle(ms: number): Promise<void> {
    const wait = (this.#idleWait = new AbortController());
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([this.#stop.signal, wait.signal]) }).catch(() => undefined);
    } finally {
      this.#idleWait = undefined;
    }
  }

  async #runOne(job: FetchedJob<T>): Promise<void> {
    const { boss, name, log, run, timeLimitSeconds } = this.#options;
    const stop = new AbortController();
    const lease = new JobLease({
      db: boss.getDb(),
      name,
      id: job.id,
      startedOn: job.startedOn,
      settings: this.#options.lease,
      log,
      onLost: () => stop.abort(new JobStoppedError("the job's lease was lost (another worker may be running it); this run was stopped", "lease-lost")),
    });
    const limitMs = Math.max(1, timeLimitSeconds) * 1000;
    const timeLimit = setTimeout(() => {
      stop.abort(new JobStoppedError(`the job did not finish within ${limitMs} ms (its policy's expireInSeconds); it was stopped and is retried`, "time-limit"));
    }, limitMs);
    try {
      let outcome: Outcome;
      lease.start();
      try {
        outcome = await this.#untilStopped({ job, running: run(job, stop.signal), signal: stop.signal });
      } finally {
        clearTimeout(timeLimit);
        await lease.stop();
      }
      if (!(await lease.held())) return;
      try {
        if (outcome.ok) await boss.complete(name, job.id);
        else await boss.fail(name, job.id, outcome.error as object);
      } catch (error) {
        log.error(
          { err: error, job_name: name, job_id: job.id },
          "recording a job's outcome failed; the job is taken back once its lease runs out and runs again (check the database connection)",
        );
      }
    } finally {
      this.#running.delete(job.id);
    }
  }

  /**
   * The handler's outcome; once `signal` aborts, a failure with its reason, as soon as the
   * handler has returned or `stopGraceSeconds` have passed (whichever comes first). A handler
   * that returns after the stop may have stopped halfway: the job is never completed then.
   */
  async #untilStopped({ job, running, signal }: { job: FetchedJob<T>; running: Promise<void>; signal: AbortSignal }): Promise<Outcome> {
    const settled = running.then(
      (): Outcome => ({ ok: true }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    const stopped = new Promise<"stopped">((resolve) => {
      if (signal.aborted) resolve("stopped");
      else signal.addEventListener("abort", () => resolve("stopped"), { once: true });
    });
    if ((await Promise.race([settled, stopped])) !== "stopped") return settled;
    const graceMs = this.#options.stopGraceSeconds * 1000;
    const late = await Promise.race([settled.then(() => "returned" as const), sleep(graceMs, "still running" as const, { ref: false })]);
    if (late === "still running") {
      this.#options.log.error(
        { job_name: this.#options.name, job_id: job.id, stopGraceSeconds: graceMs / 1000, reason: (signal.reason as Error).message },
        "a stopped job's handler did not return; its slot is freed, and whatever it still does is outside the queue's count",
      );
    }
    return { ok: false, error: signal.reason };
  }
}

type Outcome = { ok: true } | { ok: false; error: unknown };
