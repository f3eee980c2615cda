import { deleteInBatches } from "../db/delete-in-batches.js";
import type { Queryable } from "../db/database.js";
import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";

/** Rows deleted per statement. */
export const PURGE_BATCH_SIZE = 5_000;

/**
 * Job handler: the app was uninstalled from the installation longer ago than
 * `INSTALLATION_PURGE_DAYS`; every row keyed by its `installation_id` goes, in every table
 * that has one (digests, findings, per-repository issues, ingests, check runs, labels,
 * deliveries, fallback records, held jobs, and tables added later), in batches. The
 * installation's own row stays, marked purged, so jobs that still arrive for it are dropped.
 * An installation that is no longer deleted, or not for long enough, is left alone.
 */
export async function purgeInstallation(job: QueuedJob<"purge-installation">, ctx: JobContext): Promise<void> {
  const { installationId } = ctx;
  const due = await ctx.db.query<{ due: boolean }>(
    `SELECT deleted AND deleted_at < now() - make_interval(days => $2) AS due
     FROM installations WHERE installation_id = $1`,
    [installationId, ctx.config.retention.deletedInstallationDays],
  );
  if (due.rows[0]?.due !== true) {
    ctx.log.info("installation not purged: it is not deleted, or not for longer than the grace period");
    return;
  }
  const removed: Record<string, number> = {};
  for (const table of await tablesKeyedByInstallation(ctx.db)) {
    const count = await deleteInBatches({ db: ctx.db, table, where: "t.installation_id = $1", params: [installationId], batchSize: PURGE_BATCH_SIZE, signal: ctx.signal });
    if (count > 0) removed[table] = count;
  }
  await ctx.db.query("UPDATE installations SET purged_at = now() WHERE installation_id = $1", [installationId]);
  ctx.log.info({ removed }, "deleted installation's data purged");
}

/** Every table of the app's schema with an `installation_id` column, `installations` itself aside. */
async function tablesKeyedByInstallation(conn: Queryable): Promise<string[]> {
  const { rows } = await conn.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'installation_id'
       AND t.table_type = 'BASE TABLE' AND c.table_name <> 'installations'
     ORDER BY c.table_name`,
  );
  return rows.map((row) => row.table_name);
}
