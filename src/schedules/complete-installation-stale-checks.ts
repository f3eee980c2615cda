import { completeCheckRun } from "../checks/complete-check-run.js";
import { describePermanentFailure } from "../github/describe-permanent-failure.js";
import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";

/** Gate checks completed per job; the rest wait for the next schedule. */
export const STALE_CHECKS_PER_JOB = 100;

/**
 * Job handler, one per installation (sent by the `complete-stale-checks` schedule): completes
 * its gate checks queued for longer than `STALE_CHECK_HOURS` as neutral, saying why. A verdict
 * that arrives meanwhile always wins (the check run's lock decides). A check run gone for good
 * (repository removed from the installation) is marked unreachable; any other failure fails
 * the job, which is retried with backoff.
 */
export async function completeInstallationStaleChecks(job: QueuedJob<"complete-stale-checks">, ctx: JobContext): Promise<void> {
  const { db, config, installationId, log } = ctx;
  const { rows } = await db.query<{ repository: string; head_sha: string }>(
    `SELECT repository, head_sha FROM check_runs
     WHERE installation_id = $1 AND status <> 'completed' AND updated_at < now() - make_interval(hours => $2)
     ORDER BY updated_at LIMIT $3`,
    [installationId, config.staleCheckHours, STALE_CHECKS_PER_JOB],
  );
  let completed = 0;
  for (const row of rows) {
    const [owner, repo] = row.repository.split("/") as [string, string];
    const target = { installationId, owner, repo, headSha: row.head_sha };
    try {
      const octokit = await ctx.github();
      const done = await completeCheckRun({ db, octokit, appId: config.github.appId, target, result: { kind: "stale", hours: config.staleCheckHours }, completedBy: "stale-check" });
      if (done) completed++;
    } catch (error) {
      const problem = describePermanentFailure(error);
      if (!problem) throw error;
      await db.query(
        "UPDATE check_runs SET status = 'completed', conclusion = 'unreachable', updated_at = now() WHERE installation_id = $1 AND repository = $2 AND head_sha = $3",
        [installationId, row.repository, row.head_sha],
      );
      log.warn({ repository: row.repository, problem }, "stale check run could not be completed");
    }
  }
  if (rows.length > 0) log.info({ stale: rows.length, completed }, "stale gate checks completed");
}
