import type { InstallationOctokit } from "../github/installation-octokit.js";
import { stopRequestsOnAbort } from "../github/stop-requests-on-abort.js";
import type { JobHandler, JobHandlers } from "./job-handler.js";
import { jobNames } from "./job-policies.js";
import { runQueuedJob, type JobRunner } from "./run-queued-job.js";
import type { ScheduledTask } from "./scheduled-task.js";

export interface StartWorkersOptions extends JobRunner {
  handlers: JobHandlers;
  /** The cron tasks this worker registers (they fire once across replicas). */
  tasks: readonly ScheduledTask[];
}

/** `octokit`, its requests tied to the run's `signal` (each call gives a new Octokit). */
function stoppable(octokit: InstallationOctokit, signal: AbortSignal): InstallationOctokit {
  stopRequestsOnAbort(octokit, signal);
  return octokit;
}

/** Starts a worker for every job kind and registers the scheduled tasks. */
export async function startWorkers(options: StartWorkersOptions): Promise<void> {
  const { queue, config } = options;
  const poll = { concurrency: config.worker.concurrency, pollIntervalSeconds: config.worker.pollIntervalSeconds };
  for (const name of jobNames) {
    await queue.work(name, poll, (job) => runQueuedJob(job, options.handlers[name] as JobHandler<typeof name>, options));
  }
  if (config.schedulesEnabled) {
    for (const task of options.tasks) {
      await queue.schedule(task.name, task.cron);
      await queue.workSchedule(task.name, config.worker.pollIntervalSeconds, (signal) =>
        task.run({
          db: options.db,
          config,
          queue,
          log: options.log.child({ task: task.name }),
          signal,
          githubApp: () => options.authenticateApp().then((octokit) => stoppable(octokit, signal)),
          github: (installationId) => options.authenticate(installationId).then((octokit) => stoppable(octokit, signal)),
        }),
      );
    }
  }
}
