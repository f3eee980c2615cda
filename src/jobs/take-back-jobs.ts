import type PgBoss from "pg-boss";
import { JOB_QUEUE_SCHEMA } from "./job-queue-schema.js";

/**
 * The member of a job's data counting how often it was taken back from a worker that stopped
 * renewing its lease. Handlers never see it (`JobQueue` removes it), and a job sent again
 * (deferred, or back from the dead-letter queue) starts without it.
 */
export const JOB_TAKE_BACKS_FIELD = "takenBack";

export interface TakeBackJobsInput {
  db: PgBoss.Db;
  /**
   * `expired`: the jobs whose lease ran out (their worker stopped renewing it), in any queue but
   * `skipQueues`;
   * `all`: every active job of every queue, for a start-up that knows no other process works
   * this database (PGlite), so whatever is active was left by a process that is gone.
   */
  scope: { kind: "expired"; skipQueues: readonly string[]; expiryGraceSeconds: number } | { kind: "all" };
  /** Times a job may be taken back without spending a retry; jobs taken back that often are left alone. */
  freeTakeBacks: number;
}

export interface TakenBackJob {
  name: string;
  id: string;
}

/**
 * Puts jobs left active by a worker that is gone back in their queue, to run at once, without
 * spending a retry: `started_on` is cleared, so pg-boss's fetch does not count the next run as
 * a retry, and `expire_in` is the queue's again (the lease plus its grace, see
 * `rowExpirySeconds`). Each take-back is counted in the job's data; a job taken back
 * `freeTakeBacks` times is left alone (see `FREE_TAKE_BACKS`). One statement: workers and
 * other sweeps see a job either active or taken back, and a job is taken back once.
 */
export async function takeBackJobs({ db, scope, freeTakeBacks }: TakeBackJobsInput): Promise<TakenBackJob[]> {
  const taken = `COALESCE((j.data->>'${JOB_TAKE_BACKS_FIELD}')::int, 0)`;
  const where =
    scope.kind === "expired"
      ? `j.name <> ALL($2::text[]) AND j.started_on + j.expire_in < now() + $3 * interval '1 second'`
      : "true";
  const params: unknown[] = scope.kind === "expired" ? [freeTakeBacks, [...scope.skipQueues], scope.expiryGraceSeconds] : [freeTakeBacks];
  const { rows } = await db.executeSql(
    `UPDATE ${JOB_QUEUE_SCHEMA}.job j SET
       state = 'retry',
       start_after = now(),
       started_on = NULL,
       expire_in = COALESCE(q.expire_seconds * interval '1 second', j.expire_in),
       data = jsonb_set(COALESCE(j.data, '{}'::jsonb), '{${JOB_TAKE_BACKS_FIELD}}', to_jsonb(${taken} + 1))
     FROM ${JOB_QUEUE_SCHEMA}.queue q
     WHERE q.name = j.name AND j.state = 'active' AND ${taken} < $1 AND ${where}
     RETURNING j.name, j.id::text AS id`,
    params,
  );
  return rows as TakenBackJob[];
}

/** Active jobs already taken back `freeTakeBacks` times, which `takeBackJobs` leaves alone. */
export async function jobsTakenBackTooOften({ db, freeTakeBacks }: { db: PgBoss.Db; freeTakeBacks: number }): Promise<TakenBackJob[]> {
  const { rows } = await db.executeSql(
    `SELECT name, id::text AS id FROM ${JOB_QUEUE_SCHEMA}.job
     WHERE state = 'active' AND COALESCE((data->>'${JOB_TAKE_BACKS_FIELD}')::int, 0) >= $1`,
    [freeTakeBacks],
  );
  return rows as TakenBackJob[];
}
