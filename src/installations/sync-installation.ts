import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";
import { releaseWaitingJobs } from "./waiting-jobs.js";

/**
 * Keeps the `installations` row current: account, granted permissions, suspended or deleted
 * (and since when, for the purge after the grace period). When the installation is active
 * again, the jobs held while it was suspended go back to their queues in the same transaction.
 */
export async function syncInstallation(job: QueuedJob<"sync-installation">, ctx: JobContext): Promise<void> {
  const { installationId, action, accountLogin, accountType, permissions, suspended } = job.data;
  const deleted = action === "installation.deleted";
  const released = await ctx.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO installations (installation_id, account_login, account_type, permissions, suspended, deleted, deleted_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, CASE WHEN $6 THEN now() END, now())
       ON CONFLICT (installation_id) DO UPDATE SET
         account_login = EXCLUDED.account_login,
         account_type  = EXCLUDED.account_type,
         permissions   = EXCLUDED.permissions,
         suspended     = EXCLUDED.suspended,
         deleted       = EXCLUDED.deleted,
         deleted_at    = CASE WHEN EXCLUDED.deleted THEN COALESCE(installations.deleted_at, now()) END,
         updated_at    = now()`,
      [installationId, accountLogin, accountType, JSON.stringify(permissions), suspended, deleted],
    );
    if (suspended || deleted) return 0;
    return releaseWaitingJobs({ tx, queue: ctx.queue, installationId });
  });
  ctx.log.info({ action, accountLogin, suspended, deleted, released }, "installation synced");
}
