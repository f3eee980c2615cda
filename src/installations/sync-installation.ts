import type { QueuedJob } from "../jobs/job-queue.js";
import type { JobContext } from "../jobs/job-context.js";

/** Keeps the `installations` row current: account, granted permissions, suspended or deleted. */
export async function syncInstallation(job: QueuedJob<"sync-installation">, ctx: JobContext): Promise<void> {
  const { installationId, action, accountLogin, accountType, permissions, suspended } = job.data;
  const deleted = action === "installation.deleted";
  await ctx.db.query(
    `INSERT INTO installations (installation_id, account_login, account_type, permissions, suspended, deleted, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, now())
     ON CONFLICT (installation_id) DO UPDATE SET
       account_login = EXCLUDED.account_login,
       account_type  = EXCLUDED.account_type,
       permissions   = EXCLUDED.permissions,
       suspended     = EXCLUDED.suspended,
       deleted       = EXCLUDED.deleted,
       updated_at    = now()`,
    [installationId, accountLogin, accountType, JSON.stringify(permissions), suspended, deleted],
  );
  ctx.log.info({ installationId, action, accountLogin, suspended, deleted }, "installation synced");
}
