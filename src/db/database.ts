/** Parameters bound to `$1…$n` placeholders. */
export type SqlParams = readonly unknown[];

/** What both a connection and a transaction can do. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<{ rows: Row[] }>;
}

/**
 * The app's database: PostgreSQL (a pool) or embedded PGlite (one in-process connection).
 * The same SQL and migrations run on both.
 */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs parameterless SQL that may hold several statements. */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` while holding an exclusive lock on `key`, across every process sharing the
   * database: a PostgreSQL session advisory lock on a connection of its own, or on PGlite, which
   * lives in one process, a queue per key. `work` gets a database bound to that connection and
   * must use it (not this one) for everything inside, nested locks included, so one job never
   * waits for a second pooled connection while holding the first. It is not a transaction:
   * statements commit one by one (use its `transaction` where several must commit together).
   */
  withLock<T>(key: string, work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
