import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/** What a scheduled task may use. */
export interface ScheduledTaskContext {
  db: Database;
  config: AppConfig;
  log: Logger;
  /** An Octokit authenticated as the app itself (for `/app/...` endpoints). */
  githubApp(): Promise<InstallationOctokit>;
  /** An Octokit authenticated as one installation. */
  github(installationId: number): Promise<InstallationOctokit>;
}

/** A cron task: declares its schedule (UTC) and how many items it handles per run or statement. */
export interface ScheduledTask {
  name: string;
  cron: string;
  batchSize: number;
  run(this: ScheduledTask, ctx: ScheduledTaskContext): Promise<void>;
}
