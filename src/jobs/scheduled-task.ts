import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import type { Database } from "../db/database.js";

/** A cron task: declares its schedule (UTC) and how many rows it handles per statement. */
export interface ScheduledTask {
  name: string;
  cron: string;
  batchSize: number;
  run(this: ScheduledTask, ctx: { db: Database; config: AppConfig; log: Logger }): Promise<void>;
}
