import type { Queryable } from "./database.js";

/** A statement the database may keep prepared for its session, under `name`. */
export interface PreparedStatement {
  /** A lower-case SQL identifier, unique per statement text. */
  name: string;
  /** The statement, with `$1…$n` placeholders. */
  text: string;
  /** Its parameters, each as text (PostgreSQL casts them as the statement says). */
  params: readonly string[];
}

/** A connection that can run a statement it prepared once for its session. */
export interface PreparesStatements {
  queryPrepared<Row = Record<string, unknown>>(statement: PreparedStatement): Promise<{ rows: Row[] }>;
}

/**
 * Runs `statement` prepared where the database keeps prepared statements (PGlite: one session
 * for the life of the process, where parsing and planning a statement anew on every call costs
 * more than running it), else as a plain query (PostgreSQL's pool, a transaction). The rows and
 * errors are the same either way.
 */
export async function queryPrepared<Row = Record<string, unknown>>(db: Queryable, statement: PreparedStatement): Promise<{ rows: Row[] }> {
  if ("queryPrepared" in db && typeof db.queryPrepared === "function") return (db as Queryable & PreparesStatements).queryPrepared<Row>(statement);
  return db.query<Row>(statement.text, statement.params);
}
