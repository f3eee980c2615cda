import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";
import { checkRunLockKey, ensureCheckRun } from "./ensure-check-run.js";

/**
 * Puts the "Audit ingest gate" check run for a pull request's head SHA in `queued`, once:
 * concurrent deliveries for the same SHA share one check run, and a verdict already given
 * for the SHA is left alone.
 */
export async function prepareCheckRun(job: QueuedJob<"prepare-check-run">, ctx: JobContext): Promise<void> {
  const target = job.data;
  const octokit = await ctx.github();
  const run = await ctx.db.withLock(checkRunLockKey(target), (conn) =>
    ensureCheckRun({ conn, octokit, appId: ctx.config.github.appId, target, replaceCompleted: false }),
  );
  ctx.log.info({ repository: `${target.owner}/${target.repo}`, headSha: target.headSha, checkRunId: run.id, status: run.status }, "check run prepared");
}
