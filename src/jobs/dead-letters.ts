import { scrubSecrets } from "../artifact/scrub-secrets.js";
import type { Database, Queryable } from "../db/database.js";
import { JOB_KIND_FIELD, JOB_QUEUE_SCHEMA, type JobQueue } from "./job-queue.js";
import type { JobData, JobName } from "./job-payloads.js";
import { DEAD_LETTER_QUEUE, jobNames } from "./job-policies.js";

/** A job that spent its retries, as operators see it. */
export interface DeadLetter {
  id: string;
  /** The queue it came from; null for a job stored without its kind. */
  kind: JobName | null;
  installationId: number | null;
  deliveryId: string | null;
  /** When it was dead-lettered. */
  deadLetteredAt: Date;
  /** The last error's message, secret-scrubbed. */
  lastError: string;
}

interface DeadLetterRow {
  id: string;
  data: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  created_on: Date | string;
}

/** Whether the database holds the job queue at all (the app has started on it once). */
export async function hasJobQueue(conn: Queryable): Promise<boolean> {
  const { rows } = await conn.query<{ present: boolean }>(`SELECT to_regclass('${JOB_QUEUE_SCHEMA}.job') IS NOT NULL AS present`);
  return rows[0]?.present === true;
}

/** The dead-lettered jobs waiting for an operator, oldest first. */
export async function listDeadLetters(conn: Queryable): Promise<DeadLetter[]> {
  const { rows } = await conn.query<DeadLetterRow>(
    `SELECT id::text, data, output, created_on FROM ${JOB_QUEUE_SCHEMA}.job
     WHERE name = $1 AND state = 'created' ORDER BY created_on, id`,
    [DEAD_LETTER_QUEUE],
  );
  return rows.map(toDeadLetter);
}

export type RetryDeadLetterResult =
  | { ok: true; deadLetter: DeadLetter; jobId: string }
  | { ok: false; reason: "not-found" | "unknown-kind" | "no-installation"; message: string };

/**
 * Sends a dead-lettered job back to the queue it came from, with a fresh set of retries, and
 * removes it from the dead-letter queue, in one transaction: it is never in both, nor lost.
 */
export async function retryDeadLetter({ db, queue, id }: { db: Database; queue: JobQueue; id: string }): Promise<RetryDeadLetterResult> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    return { ok: false, reason: "not-found", message: `no dead-lettered job ${JSON.stringify(id)}: a job id is a UUID (see audit-digest jobs dead)` };
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<DeadLetterRow>(
      `SELECT id::text, data, output, created_on FROM ${JOB_QUEUE_SCHEMA}.job
       WHERE name = $1 AND id = $2 AND state = 'created' FOR UPDATE`,
      [DEAD_LETTER_QUEUE, id],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: "not-found", message: `no dead-lettered job ${id} (see audit-digest jobs dead)` };
    const deadLetter = toDeadLetter(row);
    if (deadLetter.kind === null) {
      return { ok: false, reason: "unknown-kind", message: `dead-lettered job ${id} does not say which queue it came from, so it cannot be sent back` };
    }
    if (deadLetter.installationId === null) {
      return { ok: false, reason: "no-installation", message: `dead-lettered job ${id} names no installation; it would be refused again` };
    }
    const { [JOB_KIND_FIELD]: _kind, ...data } = row.data ?? {};
    const jobId = await queue.send(deadLetter.kind, data as unknown as JobData<JobName>, { tx });
    if (jobId === null) throw new Error(`the job queue did not accept job ${id} back into ${deadLetter.kind}`);
    await tx.query(`DELETE FROM ${JOB_QUEUE_SCHEMA}.job WHERE name = $1 AND id = $2`, [DEAD_LETTER_QUEUE, id]);
    return { ok: true, deadLetter, jobId };
  });
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  const data = row.data ?? {};
  const kind = data[JOB_KIND_FIELD];
  const installationId = data.installationId;
  const deliveryId = data.deliveryId;
  return {
    id: row.id,
    kind: typeof kind === "string" && (jobNames as string[]).includes(kind) ? (kind as JobName) : null,
    installationId: typeof installationId === "number" && Number.isSafeInteger(installationId) && installationId > 0 ? installationId : null,
    deliveryId: typeof deliveryId === "string" ? deliveryId : null,
    deadLetteredAt: new Date(row.created_on),
    lastError: scrubSecrets(errorMessage(row.output)),
  };
}

/** pg-boss stores a failure as the serialised error (`message`), or `{ value: { message } }` for a timeout. */
function errorMessage(output: Record<string, unknown> | null): string {
  if (output === null) return "(no error recorded)";
  const direct = output.message;
  if (typeof direct === "string") return direct;
  const value = output.value as { message?: unknown } | string | undefined;
  if (typeof value === "string") return value;
  if (value && typeof value.message === "string") return value.message;
  return JSON.stringify(output);
}
