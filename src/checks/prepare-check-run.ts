import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";
import { checkRunLockKey, findCheckRun, recordCheckRun } from "./find-check-run.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "./ingest-gate-check.js";

/**
 * Puts the "Audit ingest gate" check run for a pull request's head SHA in `queued`, once:
 * concurrent deliveries for the same SHA share one check run, and a verdict already given
 * for the SHA is left alone.
 */
export async function prepareCheckRun(job: QueuedJob<"prepare-check-run">, ctx: JobContext): Promise<void> {
  const target = job.data;
  const { owner, repo, headSha } = target;
  const octokit = await ctx.github();
  const run = await ctx.db.withLock(checkRunLockKey(target), async (conn) => {
    const existing = await findCheckRun({ conn, octokit, appId: ctx.config.github.appId, target });
    if (existing) return existing;
    const { data } = await octokit.rest.checks.create({
      owner,
      repo,
      name: INGEST_GATE_CHECK_NAME,
      head_sha: headSha,
      status: "queued",
      output: {
        title: "Waiting for the audit artifact",
        summary: "The audit artifact of this commit has not been ingested yet.",
      },
      actions: [RERUN_INGEST_ACTION],
    });
    const created = { id: data.id, status: data.status };
    await recordCheckRun({ conn, target, run: created });
    return created;
  });
  ctx.log.info({ repository: `${owner}/${repo}`, headSha, checkRunId: run.id, status: run.status }, "check run prepared");
}
