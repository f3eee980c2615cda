import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import type { RateLimitState } from "../github/rate-limit-tracker.js";
import type { Metrics } from "../metrics/create-metrics.js";
import type { JobQueue } from "./job-queue.js";

/** What a job handler may use. */
export interface JobContext {
  /** The installation the job runs for. */
  installationId: number;
  /**
   * Aborts when the worker stops the job (its time limit passed, or its lease was lost); the
   * job's GitHub requests then fail at once. Work that runs long without a request checks it.
   */
  signal: AbortSignal;
  db: Database;
  queue: JobQueue;
  log: Logger;
  config: AppConfig;
  metrics: Metrics;
  /**
   * An Octokit authenticated as the job's installation (token made on first use, then cached).
   * Rejects with a `DeferJobError` when the installation's API budget is known to be spent.
   */
  github(): Promise<InstallationOctokit>;
  /** The installation's API budget as GitHub's latest response told it, if known. */
  rateLimit(): RateLimitState | undefined;
}
