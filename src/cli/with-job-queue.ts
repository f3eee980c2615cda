import { pino } from "pino";
import type { Database } from "../db/database.js";
import { JobQueue } from "../jobs/job-queue.js";

/**
 * Runs `work` with a job queue on the command's database that only sends and manages jobs:
 * no workers, no supervision, nothing logged. The queue is stopped afterwards.
 */
export async function withJobQueue<T>({
  db,
  databaseUrl,
  work,
}: {
  db: Database;
  databaseUrl: string | undefined;
  work(queue: JobQueue): Promise<T>;
}): Promise<T> {
  const queue = await JobQueue.start({ db, databaseUrl, log: pino({ level: "silent" }), supervise: false });
  try {
    return await work(queue);
  } finally {
    await queue.stop(5);
  }
}
