import { deleteInBatches } from "../db/delete-in-batches.js";
import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Daily: forgets the state of findings resolved longer than `HISTORY_RETENTION_DAYS` ago. Open
 * and suppressed findings are never touched, nor findings resolved by the artifact the digest
 * shows now (it still lists them as resolved). A forgotten finding that comes back is new, as
 * it would be after any resolution; only its first-seen date starts again.
 */
export const pruneResolvedFindings: ScheduledTask = {
  name: "prune-resolved-findings",
  cron: "29 3 * * *",
  batchSize: 5_000,
  async run({ db, config, log, signal }) {
    const removed = await deleteInBatches({
      db,
      table: "digest_findings",
      where: `t.status = 'resolved' AND t.resolved_at < now() - make_interval(days => $1)
              AND NOT EXISTS (
                SELECT 1 FROM digests d
                WHERE d.installation_id = t.installation_id AND d.home = t.home AND d.audit_id = t.audit_id
                  AND d.last_generated_at <= t.resolved_at)`,
      params: [config.retention.historyDays],
      batchSize: this.batchSize,
      signal,
    });
    log.info({ task: this.name, removed }, "long-resolved finding state pruned");
  },
};
