import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "./ingest-gate-check.js";

/**
 * Puts the "Audit ingest gate" check run for a pull request's head SHA in `queued`. One check
 * run per SHA: under a lock, the recorded id is reused, then one found on GitHub (after a lost
 * database), and only then is one created, so concurrent deliveries cannot create two.
 */
export async function prepareCheckRun(job: QueuedJob<"prepare-check-run">, ctx: JobContext): Promise<void> {
  const { installationId, owner, repo, headSha } = job.data;
  const repository = `${owner}/${repo}`;
  await ctx.db.withLock(`check-run:${installationId}:${repository}:${headSha}`, async (conn) => {
    const recorded = await conn.query<{ check_run_id: string }>(
      "SELECT check_run_id FROM check_runs WHERE installation_id = $1 AND repository = $2 AND head_sha = $3",
      [installationId, repository, headSha],
    );
    if (recorded.rows.length > 0) return;

    const octokit = await ctx.github();
    const found = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: headSha,
      check_name: INGEST_GATE_CHECK_NAME,
      filter: "latest",
      per_page: 1,
      ...(ctx.config.github.appId ? { app_id: ctx.config.github.appId } : {}),
    });
    const existing = found.data.check_runs[0];
    const checkRun =
      existing ??
      (
        await octokit.rest.checks.create({
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
        })
      ).data;
    await conn.query(
      `INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status, conclusion)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (installation_id, repository, head_sha) DO NOTHING`,
      [installationId, repository, headSha, checkRun.id, checkRun.status, checkRun.conclusion ?? null],
    );
    ctx.log.info({ installationId, repository, headSha, checkRunId: checkRun.id, reused: Boolean(existing) }, "check run prepared");
  });
}
