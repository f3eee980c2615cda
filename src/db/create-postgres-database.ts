import pg from "pg";
import type { Database, Queryable, SqlParams } from "./database.js";
import { lockKey } from "./lock-key.js";

export interface PostgresDatabaseOptions {
  url: string;
  /** Connections kept by this process (a job holds at most one); pg-boss keeps its own pool besides. */
  maxConnections?: number;
}

/** A `Database` on a PostgreSQL connection pool. */
export function createPostgresDatabase({ url, maxConnections = 20 }: PostgresDatabaseOptions): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);

  async function query<Row>(sql: string, params?: SqlParams): Promise<{ rows: Row[] }> {
    const result = await pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[] };
  }

  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      broken = isConnectionError(error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return {
    kind: "postgres",
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    transaction: (work) => withClient((client) => inTransaction(client, work)),
    withLock: (key, work) => withClient((client) => holdingLock(client, key, work)),
    async close() {
      await pool.end();
    },
  };
}

/** A `Database` bound to one held connection: everything inside a lock runs on it. */
function boundDatabase(client: pg.PoolClient): Database {
  const bound: Database = {
    kind: "postgres",
    async query<Row>(sql: string, params?: SqlParams) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as Row[] };
    },
    async exec(sql) {
      await client.query(sql);
    },
    transaction: (work) => inTransaction(client, work),
    withLock: (key, work) => holdingLock(client, key, work),
    async close() {
      // The pool owns the connection.
    },
  };
  return bound;
}

async function inTransaction<T>(client: pg.PoolClient, work: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const value = await work(boundDatabase(client));
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function holdingLock<T>(client: pg.PoolClient, key: string, work: (db: Database) => Promise<T>): Promise<T> {
  const id = lockKey(key);
  await client.query("SELECT pg_advisory_lock($1::bigint)", [id]);
  try {
    return await work(boundDatabase(client));
  } finally {
    await client.query("SELECT pg_advisory_unlock($1::bigint)", [id]);
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("08") || code === "ECONNRESET" || code === "57P01");
}
