import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import { classifyGitHubError } from "../github/classify-github-error.js";
import type { RateLimitTracker } from "../github/rate-limit-tracker.js";
import { loadInstallationStanding } from "../installations/installation-standing.js";
import { holdJobWhileSuspended } from "../installations/waiting-jobs.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { DeferJobError } from "./defer-job-error.js";
import type { JobContext } from "./job-context.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { stopRequestsOnAbort } from "../github/stop-requests-on-abort.js";
import type { JobHandler } from "./job-handler.js";
import type { JobName } from "./job-payloads.js";
import { jobInstallationProblem } from "./job-installation-problem.js";
import { JobStoppedError } from "./job-stopped-error.js";
import { jobPolicies } from "./job-policies.js";
import { logFields } from "../logging/log-fields.js";
import type { JobQueue, QueuedJob } from "./job-queue.js";
import { RefusedJobError } from "./refused-job-error.js";

/** What every job run shares within a worker process. */
export interface JobRunner {
  db: Database;
  queue: JobQueue;
  log: Logger;
  config: AppConfig;
  metrics: Metrics;
  rateLimits: RateLimitTracker;
  /** A new Octokit for an installation on each call (Probot's `auth(installationId)`); the job gives it its logger. */
  authenticate(installationId: number): Promise<InstallationOctokit>;
  /** An Octokit authenticated as the app itself (Probot's `auth()`). */
  authenticateApp(): Promise<InstallationOctokit>;
  /** The clock that rate-limit resets are compared with (the system clock unless given). */
  now?: () => Date;
}

/**
 * Runs one job's handler, if it may run at all:
 * - a job that names no installation is refused: no handler runs, and it goes to the
 *   dead-letter queue without retries;
 * - a job that does GitHub work for a suspended installation waits (held until the
 *   installation is unsuspended, then sent back to its queue); for a deleted one it is dropped
 *   with a log line. This is the one place that decides (see `installationGate`).
 *
 * Once the job's signal aborts (the worker stopped it), each of its GitHub requests fails at
 * once, so the handler returns without writing more.
 *
 * Then it sorts the handler's failures by kind:
 * - spent GitHub budget (known before the first call, or answered by GitHub's primary rate
 *   limit) or a secondary rate limit the Octokit did not wait out in place: the handler has
 *   returned, so its locks and connections are released, and the job is sent again to start
 *   at the reset (or after `retry-after`), without spending a retry: nothing is dropped;
 * - anything else: the job fails, and pg-boss retries it with backoff, then dead-letters it.
 */
export async function runQueuedJob<N extends JobName>(job: QueuedJob<N>, handler: JobHandler<N>, runner: JobRunner): Promise<void> {
  const { queue, metrics, rateLimits } = runner;
  const now = runner.now ?? (() => new Date());
  const installationId = job.data.installationId;
  const log = runner.log.child(logFields.job({ id: job.id, name: job.name, installationId, deliveryId: job.data.deliveryId }));
  const refusal = jobInstallationProblem(job.data);
  if (refusal) {
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "refused" });
    log.error({ problem: refusal }, "job refused: it names no installation; moved to the dead-letter queue");
    throw new RefusedJobError(`Job "${job.name}" refused: ${refusal}`);
  }
  if (jobPolicies[job.name].installationGate === "active") {
    const standing = await loadInstallationStanding(runner.db, installationId);
    if (standing === "deleted") {
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "dropped" });
      log.info("job dropped: the app was uninstalled from this installation");
      return;
    }
    if (standing === "suspended" && (await holdJobWhileSuspended(runner.db, job))) {
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "waiting" });
      log.info("job waits: the installation is suspended; it runs once the installation is unsuspended");
      return;
    }
  }
  let octokit: Promise<InstallationOctokit> | undefined;
  const signal = job.signal ?? new AbortController().signal;
  const ctx: JobContext = {
    installationId,
    signal,
    db: runner.db,
    queue,
    log,
    config: runner.config,
    metrics,
    rateLimit: () => rateLimits.get(installationId, now()),
    github: () => {
      const spent = rateLimits.get(installationId, now());
      if (spent?.remaining === 0) return Promise.reject(new DeferJobError(spent.resetAt, "GitHub API budget of the installation is spent"));
      return (octokit ??= runner.authenticate(installationId).then((client) => {
        // The client is this job's own: its request and rate-limit lines carry the job's fields.
        client.log = log.child({ name: "github" });
        rateLimits.observe(client, installationId);
        stopRequestsOnAbort(client, signal);
        return client;
      }));
    },
  };
  const stopTimer = metrics.jobDuration.startTimer({ queue: job.name });
  try {
    await handler(job, ctx);
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "completed" });
  } catch (error) {
    const deferral = deferralOf(error, now());
    if (deferral) {
      await queue.send(job.name, job.data, { startAfter: deferral.until });
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "deferred" });
      log.warn({ until: deferral.until.toISOString(), reason: deferral.reason }, "job deferred until GitHub accepts requests again");
      return;
    }
    // Whatever the handler threw after its stop, the stop is why it ended.
    const stop = signal.aborted && signal.reason instanceof JobStoppedError ? signal.reason : undefined;
    if (stop) {
      metrics.jobsProcessed.inc({ queue: job.name, outcome: "stopped" });
      log.error(
        { err: stop, stopped: stop.kind },
        stop.kind === "time-limit" ? "job stopped at its time limit; it will be retried with backoff" : "job stopped: its lease was lost, so the job is another run's",
      );
      throw stop;
    }
    metrics.jobsProcessed.inc({ queue: job.name, outcome: "failed" });
    log.error({ err: error }, "job failed; it will be retried with backoff");
    throw error;
  } finally {
    stopTimer();
  }
}

/** When a failure means "wait", until when and why; undefined for failures the queue retries. */
function deferralOf(error: unknown, now: Date): { until: Date; reason: string } | undefined {
  if (error instanceof DeferJobError) return { until: error.until, reason: error.message };
  const failure = classifyGitHubError(error, now);
  if (failure.kind === "rate-limit") return { until: failure.until, reason: "GitHub's primary rate limit is spent" };
  if (failure.kind === "secondary-rate-limit") return { until: failure.until, reason: "GitHub's secondary rate limit asked to wait" };
  return undefined;
}
