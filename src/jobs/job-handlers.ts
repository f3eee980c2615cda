import { prepareCheckRun } from "../checks/prepare-check-run.js";
import { ingestWorkflowRun } from "../ingest/ingest-workflow-run.js";
import { rerunIngest } from "../ingest/rerun-ingest.js";
import { syncInstallation } from "../installations/sync-installation.js";
import type { JobContext } from "./job-context.js";
import type { QueuedJob } from "./job-queue.js";
import type { JobName } from "./job-payloads.js";

export type JobHandler<N extends JobName> = (job: QueuedJob<N>, ctx: JobContext) => Promise<void>;

/** The handler of each job kind. */
export const jobHandlers: { [N in JobName]: JobHandler<N> } = {
  "ingest-workflow-run": ingestWorkflowRun,
  "rerun-ingest": rerunIngest,
  "prepare-check-run": prepareCheckRun,
  "sync-installation": syncInstallation,
};
