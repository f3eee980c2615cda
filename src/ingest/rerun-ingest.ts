import { completeCheckRun } from "../checks/complete-check-run.js";
import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";
import { findLatestIngestForSha } from "./ingest-ledger.js";
import { ingestRun } from "./ingest-run.js";
import { isFromFork } from "./is-from-fork.js";

/**
 * Job handler: someone asked the check run to re-run. The commit's latest ingested workflow
 * run is fetched from GitHub (for its current fork status: an unknown head repository counts as
 * a fork) and ingested again, with the same trust rule and signature policy as the first time.
 * With no run ingested yet, the check says so and completes neutral until a run finishes. One
 * request (its webhook delivery) gives one new verdict, however often the job is retried.
 */
export async function rerunIngest(job: QueuedJob<"rerun-ingest">, ctx: JobContext): Promise<void> {
  const { owner, repo, headSha } = job.data;
  const completedBy = `rerun:${job.data.deliveryId ?? job.id}`;
  const latest = await findLatestIngestForSha(ctx.db, { installationId: ctx.installationId, repository: `${owner}/${repo}`, headSha });
  const octokit = await ctx.github();
  if (!latest) {
    await completeCheckRun({
      db: ctx.db,
      octokit,
      appId: ctx.config.github.appId,
      target: { installationId: ctx.installationId, owner, repo, headSha },
      result: { kind: "not_ingested" },
      completedBy,
    });
    return;
  }
  const { data: run } = await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: latest.runId });
  await ingestRun({
    ctx,
    run: {
      owner,
      repo,
      runId: run.id,
      runAttempt: run.run_attempt ?? latest.runAttempt,
      headSha,
      fromFork: isFromFork(run),
    },
    force: true,
    completedBy,
  });
}
