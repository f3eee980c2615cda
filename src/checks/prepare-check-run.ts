import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";
import { createOnce } from "../github/create-once.js";
import { checkRunLockKey, findCheckRun, findCheckRunByExternalId, recordCheckRun } from "./find-check-run.js";
import { gateExternalId } from "./gate-external-id.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "./ingest-gate-check.js";

/**
 * Puts the "Audit ingest gate" check run for a pull request's head SHA in `queued`, once:
 * concurrent deliveries for the same SHA share one check run, a verdict already given
 * for the SHA is left alone, and a create that failed is looked for by its `external_id`
 * before it is sent again.
 */
export async function prepareCheckRun(job: QueuedJob<"prepare-check-run">, ctx: JobContext): Promise<void> {
  const target = job.data;
  const { owner, repo, headSha } = target;
  const octokit = await ctx.github();
  const run = await ctx.db.withLock(checkRunLockKey(target), async (conn) => {
    const appId = ctx.config.github.appId;
    const existing = await findCheckRun({ conn, octokit, appId, target });
    if (existing) return existing;
    const externalId = gateExternalId({ headSha, completedBy: null });
    // A create that failed may have made the check run: it is looked for by external_id before another is created.
    const id = await createOnce({
      create: async () => {
        const { data } = await octokit.rest.checks.create({
          owner,
          repo,
          name: INGEST_GATE_CHECK_NAME,
          head_sha: headSha,
          external_id: externalId,
          status: "queued",
          output: {
            title: "Waiting for the audit artifact",
            summary: "The audit artifact of this commit has not been ingested yet.",
          },
          actions: [RERUN_INGEST_ACTION],
        });
        return data.id;
      },
      find: () => findCheckRunByExternalId({ octokit, appId, target, externalId }),
    });
    const created = { id, status: "queued" };
    await recordCheckRun({ conn, target, run: created });
    return created;
  });
  ctx.log.info({ repository: `${owner}/${repo}`, headSha, checkRunId: run.id, status: run.status }, "check run prepared");
}
