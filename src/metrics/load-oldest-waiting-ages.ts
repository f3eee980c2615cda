import type { Queryable } from "../db/database.js";
import { JOB_QUEUE_SCHEMA } from "../jobs/job-queue.js";

/**
 * Per queue, the seconds its oldest job that may run now has waited to be taken: jobs queued
 * (`created`) or waiting for a retry (`retry`) whose `start_after` has passed, counted from that
 * `start_after`, so a job deferred to a rate-limit reset or a retry's backoff is not old before
 * it may run. Queues with no such job are missing from the map.
 */
export async function loadOldestWaitingAges(db: Queryable, queues: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ name: string; age: number }>(
    `SELECT name, GREATEST(0, EXTRACT(EPOCH FROM now() - min(start_after)))::float8 AS age
       FROM ${JOB_QUEUE_SCHEMA}.job
      WHERE name = ANY($1) AND state IN ('created', 'retry') AND start_after <= now()
      GROUP BY name`,
    [[...queues]],
  );
  return new Map(rows.map((row) => [row.name, Number(row.age)]));
}
