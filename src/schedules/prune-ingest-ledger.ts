import { deleteInBatches } from "../db/delete-in-batches.js";
import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Daily: forgets ingest ledger rows nothing needs any more. An attempt that is not the latest
 * of its commit goes after `LEDGER_RETENTION_DAYS` (its webhook can no longer be redelivered
 * by then); the latest ingest of a commit, which "Re-run ingest" takes in again, stays for
 * `HISTORY_RETENTION_DAYS`. After that a re-run says no run was ingested for the commit.
 */
export const pruneIngestLedger: ScheduledTask = {
  name: "prune-ingest-ledger",
  cron: "23 3 * * *",
  batchSize: 5_000,
  async run({ db, config, log, signal }) {
    const removed = await deleteInBatches({
      db,
      table: "ingests",
      where: `t.ingested_at < now() - make_interval(days => $2)
              OR (t.ingested_at < now() - make_interval(days => $1) AND EXISTS (
                    SELECT 1 FROM ingests newer
                    WHERE newer.installation_id = t.installation_id AND newer.repository = t.repository
                      AND newer.head_sha = t.head_sha
                      AND (newer.ingested_at > t.ingested_at OR (newer.ingested_at = t.ingested_at AND newer.id > t.id))))`,
      params: [config.retention.ledgerDays, config.retention.historyDays],
      batchSize: this.batchSize,
      signal,
    });
    log.info({ task: this.name, removed }, "old ingest ledger rows pruned");
  },
};
