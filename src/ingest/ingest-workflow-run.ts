import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";
import { ingestRun } from "./ingest-run.js";

/** Job handler: a workflow run completed; take in its artifact once. */
export async function ingestWorkflowRun(job: QueuedJob<"ingest-workflow-run">, ctx: JobContext): Promise<void> {
  const { runId, runAttempt } = job.data;
  await ingestRun({ ctx, run: job.data, force: false, completedBy: `run:${runId}:${runAttempt}` });
}
