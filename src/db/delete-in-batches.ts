import type { Queryable, SqlParams } from "./database.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export interface DeleteInBatchesInput {
  db: Queryable;
  /** The table (a plain lower-case identifier). */
  table: string;
  /** Condition on the table's rows, which it names `t`, with `$1…$n` bound to `params`. */
  where: string;
  params: SqlParams;
  batchSize: number;
  /** Once it aborts, no further statement is sent: the call rejects with its reason (what was deleted stays deleted). */
  signal?: AbortSignal;
}

/**
 * Deletes the rows `where` selects, at most `batchSize` per statement until none is left, so
 * no statement holds locks on a large share of the table; returns how many were deleted.
 */
export async function deleteInBatches({ db, table, where, params, batchSize, signal }: DeleteInBatchesInput): Promise<number> {
  if (!IDENTIFIER.test(table)) throw new Error(`deleteInBatches: table must be a plain identifier, got ${JSON.stringify(table)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`deleteInBatches: batchSize must be a whole number of at least 1, got ${batchSize}`);
  const sql = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
                 SELECT t.ctid FROM ${table} AS t WHERE ${where} LIMIT $${params.length + 1}))
               RETURNING 1 AS deleted`;
  let deleted = 0;
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await db.query(sql, [...params, batchSize]);
    deleted += rows.length;
    if (rows.length < batchSize) return deleted;
  }
}
