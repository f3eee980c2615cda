import type { JobName } from "./job-payloads.js";

/** How a job kind is retried and when it gives up into the dead-letter queue. */
export interface JobPolicy {
  retryLimit: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /**
   * Seconds a running job may take before the queue counts it as failed and starts it again.
   * At least twice the longest wait inside one GitHub request (`longestInPlaceWaitSeconds`),
   * so a job that waits out a rate limit in place never runs beside its own retry.
   */
  expireInSeconds: number;
}

/** Queue that failed jobs land in once their retries are spent; `/metrics` counts it. */
export const DEAD_LETTER_QUEUE = "dead-letter";

export const jobPolicies: Record<JobName, JobPolicy> = {
  "ingest-workflow-run": { retryLimit: 8, retryDelay: 15, retryBackoff: true, expireInSeconds: 900 },
  "rerun-ingest": { retryLimit: 8, retryDelay: 15, retryBackoff: true, expireInSeconds: 900 },
  "prepare-check-run": { retryLimit: 6, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
  "sync-installation": { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 600 },
  "audit-command": { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 900 },
};

export const jobNames = Object.keys(jobPolicies) as JobName[];
