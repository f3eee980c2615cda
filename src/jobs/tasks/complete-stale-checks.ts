import { completeCheckRun } from "../../checks/complete-check-run.js";
import { describePermanentFailure } from "../../github/describe-permanent-failure.js";
import type { ScheduledTask } from "../scheduled-task.js";

/**
 * A pull request's gate check waits in `queued` for its commit's artifact. When no workflow
 * run delivers one (the repository runs no audit, or the run never finished), it would wait
 * forever; after `STALE_CHECK_HOURS` this task completes it as neutral, saying why. A verdict
 * that arrives meanwhile always wins (the check run's lock decides).
 */
export const completeStaleChecks: ScheduledTask = {
  name: "complete-stale-checks",
  cron: "7,37 * * * *",
  batchSize: 100,
  async run({ db, config, log, github }) {
    const { rows } = await db.query<{ installation_id: string; repository: string; head_sha: string }>(
      `SELECT installation_id::text, repository, head_sha FROM check_runs
       WHERE status <> 'completed' AND updated_at < now() - make_interval(hours => $1)
       ORDER BY updated_at LIMIT $2`,
      [config.staleCheckHours, this.batchSize],
    );
    let completed = 0;
    for (const row of rows) {
      const installationId = Number(row.installation_id);
      const [owner, repo] = row.repository.split("/") as [string, string];
      const target = { installationId, owner, repo, headSha: row.head_sha };
      try {
        const octokit = await github(installationId);
        const done = await completeCheckRun({ db, octokit, appId: config.github.appId, target, result: { kind: "stale", hours: config.staleCheckHours }, completedBy: "stale-check" });
        if (done) completed++;
      } catch (error) {
        // Gone for good (uninstalled, repository removed): stop waiting for it; else try next time.
        const problem = describePermanentFailure(error);
        if (!problem) throw error;
        await db.query(
          "UPDATE check_runs SET status = 'completed', conclusion = 'unreachable', updated_at = now() WHERE installation_id = $1 AND repository = $2 AND head_sha = $3",
          [installationId, row.repository, row.head_sha],
        );
        log.warn({ task: this.name, installationId, repository: row.repository, problem }, "stale check run could not be completed");
      }
    }
    if (rows.length > 0) log.info({ task: this.name, stale: rows.length, completed }, "stale gate checks completed");
  },
};
