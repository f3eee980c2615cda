import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * A pull request's gate check waits in `queued` for its commit's artifact. When no workflow
 * run delivers one, it would wait forever: this task finds the installations with gate checks
 * queued for longer than `STALE_CHECK_HOURS` and sends each one a `complete-stale-checks` job
 * (see `completeInstallationStaleChecks`), so one installation's failure holds up no other.
 * Suspended and deleted installations are left out.
 */
export const completeStaleChecks: ScheduledTask = {
  name: "complete-stale-checks",
  cron: "7,37 * * * *",
  batchSize: 1_000,
  async run({ db, config, queue, log }) {
    const { rows } = await db.query<{ installation_id: string }>(
      `SELECT DISTINCT c.installation_id::text FROM check_runs c
       LEFT JOIN installations i ON i.installation_id = c.installation_id
       WHERE c.status <> 'completed' AND c.updated_at < now() - make_interval(hours => $1)
         AND NOT COALESCE(i.suspended OR i.deleted, false)
       ORDER BY 1 LIMIT $2`,
      [config.staleCheckHours, this.batchSize],
    );
    for (const row of rows) {
      await queue.send("complete-stale-checks", { installationId: Number(row.installation_id), deliveryId: null });
    }
    if (rows.length > 0) log.info({ task: this.name, installations: rows.length }, "stale gate checks handed to one job per installation");
  },
};
