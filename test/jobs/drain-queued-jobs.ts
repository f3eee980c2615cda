import { jobHandlers } from "../../src/job-handlers.js";
import type { JobHandler } from "../../src/jobs/job-handler.js";
import type { JobData, JobName } from "../../src/jobs/job-payloads.js";
import { runQueuedJob } from "../../src/jobs/run-queued-job.js";
import type { AppHarness } from "../support/app-harness.js";

export interface DrainedJob {
  name: JobName;
  installationId: number;
  /** The error the job failed with (the queue would retry it), or undefined when it succeeded. */
  error: unknown;
}

/**
 * Takes the jobs of `names` waiting in the queue (due now) and runs each once the way a worker
 * does, in installation order; a failure is recorded, not thrown, and the next job still runs.
 */
export async function drainQueuedJobs(harness: AppHarness, names: JobName[]): Promise<DrainedJob[]> {
  const { rows } = await harness.db.query<{ id: string; name: JobName; data: JobData<JobName> & { jobKind?: string } }>(
    `DELETE FROM pgboss.job WHERE name = ANY($1::text[]) AND state = 'created' AND start_after <= now()
     RETURNING id::text, name, data`,
    [names],
  );
  rows.sort((a, b) => a.data.installationId - b.data.installationId || a.name.localeCompare(b.name));
  const drained: DrainedJob[] = [];
  for (const row of rows) {
    const { jobKind: _kind, ...data } = row.data;
    let error: unknown;
    try {
      await runQueuedJob({ id: row.id, name: row.name, data }, jobHandlers[row.name] as JobHandler<JobName>, harness.runner);
    } catch (failure) {
      error = failure;
    }
    drained.push({ name: row.name, installationId: data.installationId, error });
  }
  return drained;
}
