import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import type { JobQueue } from "./job-queue.js";

/** What a scheduled task may use. */
export interface ScheduledTaskContext {
  db: Database;
  config: AppConfig;
  log: Logger;
  /**
   * Aborts when the run is stopped (past its time limit, or its lease was lost); its GitHub
   * requests then fail at once. A task that loops over batches checks it between them.
   */
  signal: AbortSignal;
  /** Where a task sends the jobs it fans out: one per installation, each run, retried and dead-lettered on its own. */
  queue: JobQueue;
  /** An Octokit authenticated as the app itself (for `/app/...` endpoints). */
  githubApp(): Promise<InstallationOctokit>;
  /** An Octokit authenticated as one installation. */
  github(installationId: number): Promise<InstallationOctokit>;
}

/**
 * A cron task: declares its schedule (UTC) and how many items it handles per run or statement.
 * Work for installations is never looped over here: the task sends one job per installation
 * (so one installation's failure or rate limit holds up no other). Only app-level work runs in
 * the task itself: the app's own webhook deliveries, and pruning the database.
 */
export interface ScheduledTask {
  name: string;
  cron: string;
  batchSize: number;
  run(this: ScheduledTask, ctx: ScheduledTaskContext): Promise<void>;
}
