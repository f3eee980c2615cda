import type { JobContext } from "./job-context.js";
import type { JobName } from "./job-payloads.js";
import type { QueuedJob } from "./job-queue.js";

/** Does one job's work; throwing fails the job (retried with backoff), `DeferJobError` defers it. */
export type JobHandler<N extends JobName> = (job: QueuedJob<N>, ctx: JobContext) => Promise<void>;

/** The handler of each job kind. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };
