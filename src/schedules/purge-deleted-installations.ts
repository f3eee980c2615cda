import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Daily: sends a `purge-installation` job (see `purgeInstallation`) for each installation the
 * app was uninstalled from longer than `INSTALLATION_PURGE_DAYS` ago and not purged yet.
 */
export const purgeDeletedInstallations: ScheduledTask = {
  name: "purge-deleted-installations",
  cron: "41 3 * * *",
  batchSize: 500,
  async run({ db, config, queue, log }) {
    const { rows } = await db.query<{ installation_id: string }>(
      `SELECT installation_id::text FROM installations
       WHERE deleted AND purged_at IS NULL AND deleted_at < now() - make_interval(days => $1)
       ORDER BY deleted_at LIMIT $2`,
      [config.retention.deletedInstallationDays, this.batchSize],
    );
    for (const row of rows) {
      await queue.send("purge-installation", { installationId: Number(row.installation_id), deliveryId: null });
    }
    if (rows.length > 0) log.info({ task: this.name, installations: rows.length }, "deleted installations handed to one purge job each");
  },
};
