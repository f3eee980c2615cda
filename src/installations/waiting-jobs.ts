import type { Database, Queryable } from "../db/database.js";
import type { JobData, JobName } from "../jobs/job-payloads.js";
import type { JobQueue, QueuedJob } from "../jobs/job-queue.js";

/**
 * Holds a job of a suspended installation in `waiting_jobs` until the installation is
 * unsuspended. The installation's row is locked while deciding, so a concurrent unsuspend
 * either sees the held job and sends it back, or happens first and the job is not held.
 * Returns false (nothing held: run the job) when the installation is no longer suspended.
 */
export async function holdJobWhileSuspended(db: Database, job: QueuedJob<JobName>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ suspended: boolean }>(
      "SELECT suspended AND NOT deleted AS suspended FROM installations WHERE installation_id = $1 FOR UPDATE",
      [job.data.installationId],
    );
    if (rows[0]?.suspended !== true) return false;
    await tx.query("INSERT INTO waiting_jobs (installation_id, job_name, data) VALUES ($1, $2, $3::jsonb)", [
      job.data.installationId,
      job.name,
      JSON.stringify(job.data),
    ]);
    return true;
  });
}

const RELEASE_BATCH_SIZE = 500;

/**
 * Sends every job held for the installation back to its queue, inside `tx` (the transaction
 * that marks the installation unsuspended), and returns how many.
 */
export async function releaseWaitingJobs({ tx, queue, installationId }: { tx: Queryable; queue: JobQueue; installationId: number }): Promise<number> {
  let released = 0;
  for (;;) {
    const { rows } = await tx.query<{ job_name: JobName; data: JobData<JobName> }>(
      `DELETE FROM waiting_jobs WHERE id = ANY(ARRAY(
         SELECT id FROM waiting_jobs WHERE installation_id = $1 ORDER BY id LIMIT $2))
       RETURNING job_name, data`,
      [installationId, RELEASE_BATCH_SIZE],
    );
    for (const row of rows) await queue.send(row.job_name, row.data, { tx });
    released += rows.length;
    if (rows.length < RELEASE_BATCH_SIZE) return released;
  }
}
