import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import { rateLimitResetOf } from "../github/rate-limit-reset-of.js";
import type { RateLimitTracker } from "../github/rate-limit-tracker.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { DeferJobError } from "./defer-job-error.js";
import type { JobContext } from "./job-context.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import type { JobHandler } from "./job-handler.js";
import type { JobName } from "./job-payloads.js";
import type { JobQueue, QueuedJob } from "./job-queue.js";

/** What every job run shares within a worker process. */
export interface JobRunner {
  db: Database;
  queue: JobQueue;
  log: Logger;
  config: AppConfig;
  metrics: Metrics;
  rateLimits: RateLimitTracker;
  /** An Octokit for an installation (Probot's `auth(installationId)`). */
  authenticate(installationId: number): Promise<InstallationOctokit>;
  /** An Octokit authenticated as the app itself (Probot's `auth()`). */
  authenticateApp(): Promise<InstallationOctokit>;
}

/**
 * Runs one job's handler and sorts its failures by kind:
 * - spent GitHub budget (known before the first call, or answered by GitHub): the job is put
 *   back to run at the reset time, without spending a retry: nothing is dropped;
 * - anything else: the job fails, and pg-boss retries it with backoff, then dead-letters it.
 */
export async function runQueuedJob<N extends JobName>(job: QueuedJob<N>, handler: JobHandler<N>, runner: JobRunner): Promise<void> {
  const { queue, metrics, rateLimits } = runner;
  const installationId = job.data.installationId;
  const log = runner.log.child({ job: job.name, jobId: job.id, installationId, deliveryId: job.data.deliveryId });
  let octokit: Promise<InstallationOctokit> | undefined;
  const ctx: JobContext = {
    installationId,
    db: runner.db,
    queue,
    log,
    config: runner.config,
    metrics,
    rateLimit: () => rateLimits.get(installationId),
    github: () => {
      const spent = rateLimits.get(installationId);
      if (spent?.remaining === 0) return Promise.reject(new DeferJobError(spent.resetAt, "GitHub API budget of the installation is spent"));
      return (octokit ??= runner.authenticate(installationId).then((client) => {
        rateLimits.observe(client, installationId);
        return client;
      }));
    },
  };
  const stopTimer = metrics.jobDuration.startTimer({ queue: job.name });
  try {
    await handler(job, ctx);
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "completed" });
  } catch (error) {
    const until = error instanceof DeferJobError ? error.until : rateLimitResetOf(error);
    if (until) {
      await queue.send(job.name, job.data, { startAfter: until });
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "deferred" });
      log.warn({ until: until.toISOString() }, "job deferred until GitHub's rate limit resets");
      return;
    }
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "failed" });
    log.error({ err: error }, "job failed; it will be retried with backoff");
    throw error;
  } finally {
    stopTimer();
  }
}
