import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { DeferJobError } from "./defer-job-error.js";
import type { InstallationOctokit, JobContext } from "./job-context.js";
import { jobHandlers, type JobHandler } from "./job-handlers.js";
import type { JobName } from "./job-payloads.js";
import { jobNames } from "./job-policies.js";
import type { JobQueue, QueuedJob } from "./job-queue.js";
import { scheduledTasks } from "./scheduled-tasks.js";

export interface StartWorkersOptions {
  db: Database;
  queue: JobQueue;
  log: Logger;
  config: AppConfig;
  metrics: Metrics;
  /** An Octokit for an installation (Probot's `auth`). */
  authenticate(installationId: number): Promise<InstallationOctokit>;
}

/** Starts a worker for every job kind and registers the scheduled tasks. */
export async function startWorkers(options: StartWorkersOptions): Promise<void> {
  const { queue, config } = options;
  const poll = { concurrency: config.worker.concurrency, pollIntervalSeconds: config.worker.pollIntervalSeconds };
  for (const name of jobNames) {
    await queue.work(name, poll, (job) => runJob(job, jobHandlers[name] as JobHandler<typeof name>, options));
  }
  if (config.schedulesEnabled) {
    for (const task of scheduledTasks) {
      await queue.schedule(task.name, task.cron);
      await queue.workSchedule(task.name, config.worker.pollIntervalSeconds, () =>
        task.run({ db: options.db, config, log: options.log.child({ task: task.name }) }),
      );
    }
  }
}

async function runJob<N extends JobName>(
  job: QueuedJob<N>,
  handler: JobHandler<N>,
  { db, queue, log, config, metrics, authenticate }: StartWorkersOptions,
): Promise<void> {
  const jobLog = log.child({ job: job.name, jobId: job.id, installationId: job.data.installationId, deliveryId: job.data.deliveryId });
  let octokit: Promise<InstallationOctokit> | undefined;
  const ctx: JobContext = {
    installationId: job.data.installationId,
    db,
    queue,
    log: jobLog,
    config,
    metrics,
    github: () => (octokit ??= authenticate(job.data.installationId)),
  };
  const stopTimer = metrics.jobDuration.startTimer({ queue: job.name });
  try {
    await handler(job, ctx);
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "completed" });
  } catch (error) {
    if (error instanceof DeferJobError) {
      await queue.send(job.name, job.data, { startAfter: error.until });
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "deferred" });
      jobLog.warn({ until: error.until.toISOString() }, error.message);
      return;
    }
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "failed" });
    jobLog.error({ err: error }, "job failed; it will be retried with backoff");
    throw error;
  } finally {
    stopTimer();
  }
}
