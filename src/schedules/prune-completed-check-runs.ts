import { deleteInBatches } from "../db/delete-in-batches.js";
import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Daily: forgets check runs completed longer than `HISTORY_RETENTION_DAYS` ago (one row per
 * head SHA ever checked). Waiting ones are kept. Should such a commit come up again, its check
 * run is found on GitHub by name, so no second one is created.
 */
export const pruneCompletedCheckRuns: ScheduledTask = {
  name: "prune-completed-check-runs",
  cron: "35 3 * * *",
  batchSize: 5_000,
  async run({ db, config, log, signal }) {
    const removed = await deleteInBatches({
      db,
      table: "check_runs",
      where: "t.status = 'completed' AND t.updated_at < now() - make_interval(days => $1)",
      params: [config.retention.historyDays],
      batchSize: this.batchSize,
      signal,
    });
    log.info({ task: this.name, removed }, "old completed check runs pruned");
  },
};
