import type { JobName } from "./job-payloads.js";

/**
 * Which installations a job kind runs for:
 * - `active`: GitHub work for the installation. While it is suspended the job waits (held in
 *   `waiting_jobs`, sent back to its queue when it is unsuspended); once it is deleted the job
 *   is dropped with a log line (its data is purged after the grace period).
 * - `any`: runs whatever the installation's standing, because it records that standing or
 *   cleans up after it.
 */
export type InstallationGate = "active" | "any";

/** How a job kind is retried and when it gives up into the dead-letter queue. */
export interface JobPolicy {
  /**
   * Seconds before each retry of a failed job, in order: one retry per entry, then the job is
   * dead-lettered. Deferrals (rate limits) and waits for a suspended installation spend none.
   */
  retryDelays: readonly number[];
  /**
   * Seconds a running job may take before its worker counts it as failed (pg-boss then retries
   * it). At least twice the longest wait inside one GitHub request (`longestInPlaceWaitSeconds`),
   * so a job that waits out a rate limit in place is not failed for it. This is the limit for a
   * live worker; a dead worker's job is taken back much sooner, once its lease runs out (see
   * `JobLeaseSettings`).
   */
  expireInSeconds: number;
  installationGate: InstallationGate;
}

/** Queue that failed jobs land in once their retries are spent; `/metrics` counts it, `audit-digest jobs dead` lists it. */
export const DEAD_LETTER_QUEUE = "dead-letter";

/** 30 s, 5 min, 30 min: a brief outage is bridged at once, a longer one within the hour. */
const STANDARD_RETRY_DELAYS = [30, 300, 1800] as const;

export const jobPolicies: Record<JobName, JobPolicy> = {
  "ingest-workflow-run": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "active" },
  "rerun-ingest": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "active" },
  "prepare-check-run": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 600, installationGate: "active" },
  "sync-installation": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 600, installationGate: "any" },
  "complete-stale-checks": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "active" },
  "purge-installation": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "any" },
  "audit-command": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "active" },
  "redrive-fallbacks": { retryDelays: STANDARD_RETRY_DELAYS, expireInSeconds: 900, installationGate: "active" },
};

export const jobNames = Object.keys(jobPolicies) as JobName[];
