import { randomUUID } from "node:crypto";
import type { Queryable } from "../db/database.js";
import { queryPrepared } from "../db/query-prepared.js";
import { jobInstallationProblem } from "./job-installation-problem.js";
import { JOB_KIND_FIELD, JOB_QUEUE_SCHEMA, type JobQueue } from "./job-queue.js";
import type { JobData, JobName } from "./job-payloads.js";

/** One delivery's work: the event it came with and the job it starts. */
export interface WebhookDelivery<N extends JobName = JobName> {
  event: string;
  action: string | undefined;
  name: N;
  data: JobData<N> & { deliveryId: string };
}

export interface EnqueueWebhookJobInput<N extends JobName> extends WebhookDelivery<N> {
  /** The database, or a transaction on it (the delivery and its job then commit with it). */
  db: Queryable;
  /** The started queue on `db`: its queues, created by `JobQueue.start`, hold the policies the job takes. */
  queue: JobQueue;
}

export type EnqueueOutcome = "enqueued" | "duplicate";

/**
 * Records the delivery and enqueues its job in one statement: a delivery id seen before
 * (GitHub's redelivery keeps it) enqueues nothing, and a crash cannot leave one without the other.
 */
export async function enqueueWebhookJob<N extends JobName>({ db, queue, ...delivery }: EnqueueWebhookJobInput<N>): Promise<EnqueueOutcome> {
  const [outcome] = await enqueueWebhookJobs({ db, queue, deliveries: [delivery] });
  return outcome!;
}

/**
 * `enqueueWebhookJob` for several deliveries in ONE statement (so one round trip, and atomic
 * without a transaction): all are recorded and their jobs enqueued, or, when it throws, none.
 * The statement is prepared once where the database keeps it (PGlite, see `queryPrepared`).
 * Outcomes come in the order of `deliveries`. A delivery id and job kind seen before, in an
 * earlier call or earlier in this list, is a duplicate and enqueues nothing. A job that names no
 * installation is refused with an error before anything is written, as by `JobQueue.send`.
 */
export async function enqueueWebhookJobs({
  db,
  queue,
  deliveries,
}: {
  db: Queryable;
  /** Told which kinds of job were committed, so this process's idle workers take them at once. */
  queue: JobQueue;
  deliveries: readonly WebhookDelivery[];
}): Promise<EnqueueOutcome[]> {
  for (const { name, data } of deliveries) {
    const problem = jobInstallationProblem(data);
    if (problem) throw new Error(`Job "${name}" refused: ${problem}`);
  }
  const firsts = new Map<string, number>();
  deliveries.forEach((delivery, index) => {
    const key = deliveryKey(delivery.data.deliveryId, delivery.name);
    if (!firsts.has(key)) firsts.set(key, index);
  });
  const rows = [...firsts.values()].map((index) => {
    const { event, action, name, data } = deliveries[index]!;
    return {
      delivery_id: data.deliveryId,
      job_name: name,
      event,
      action: action ?? null,
      installation_id: data.installationId,
      job_id: randomUUID(),
      data: { ...data, [JOB_KIND_FIELD]: name },
    };
  });
  const { rows: recorded } = await queryPrepared<{ delivery_id: string; job_name: string }>(db, {
    name: "enqueue_webhook_jobs",
    text: ENQUEUE_SQL,
    params: [JSON.stringify(rows)],
  });
  const outcomes = deliveries.map((): EnqueueOutcome => "duplicate");
  for (const row of recorded) outcomes[firsts.get(deliveryKey(row.delivery_id, row.job_name))!] = "enqueued";
  for (const name of new Set(recorded.map((row) => row.job_name as JobName))) queue.jobsAdded(name);
  return outcomes;
}

/**
 * Records the deliveries not seen before and inserts one pg-boss job for each of those, in one
 * statement. A job takes its retry limit and delay, expiry, retention, dead-letter queue and
 * policy from its queue, the way pg-boss's own `insert` fills them in for a job that names none;
 * `JobQueue.start` set each queue from the job policies, so these are the values `JobQueue.send`
 * gives a job (test/jobs/enqueue-webhook-jobs.test.ts compares the two).
 */
const ENQUEUE_SQL = `
  WITH input AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS i(delivery_id text, job_name text, event text, action text, installation_id bigint, job_id uuid, data jsonb)
  ), recorded AS (
    INSERT INTO webhook_deliveries (delivery_id, job_name, event, action, installation_id, job_id)
    SELECT delivery_id, job_name, event, action, installation_id, job_id::text FROM input
    ON CONFLICT DO NOTHING
    RETURNING delivery_id, job_name
  ), jobs AS (
    INSERT INTO ${JOB_QUEUE_SCHEMA}.job (id, name, data, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
    SELECT
      i.job_id,
      i.job_name,
      i.data,
      q.dead_letter,
      COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
      now() + CAST(COALESCE((q.retention_minutes * 60)::text, '14 days') AS interval),
      COALESCE(q.retry_limit, 2),
      CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
      COALESCE(q.retry_backoff, false),
      q.policy
    FROM recorded r
    JOIN input i ON i.delivery_id = r.delivery_id AND i.job_name = r.job_name
    JOIN ${JOB_QUEUE_SCHEMA}.queue q ON q.name = i.job_name
    RETURNING id
  )
  SELECT delivery_id, job_name FROM recorded`;

function deliveryKey(deliveryId: string, name: string): string {
  return JSON.stringify([deliveryId, name]);
}
