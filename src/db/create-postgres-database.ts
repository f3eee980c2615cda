import pg from "pg";
import type { Database, Queryable, SqlParams } from "./database.js";
import { lockKey } from "./lock-key.js";

export interface PostgresDatabaseOptions {
  url: string;
  /** Connections kept by this process; pg-boss keeps its own pool besides. */
  maxConnections?: number;
}

/** A `Database` on a PostgreSQL connection pool. */
export function createPostgresDatabase({ url, maxConnections = 10 }: PostgresDatabaseOptions): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);

  async function query<Row>(sql: string, params?: SqlParams): Promise<{ rows: Row[] }> {
    const result = await pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[] };
  }

  async function withClient<T>(work: (client: pg.PoolClient, tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const tx: Queryable = {
      async query<Row>(sql: string, params?: SqlParams) {
        const result = await client.query(sql, params as unknown[] | undefined);
        return { rows: result.rows as Row[] };
      },
    };
    let broken = false;
    try {
      return await work(client, tx);
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
    transaction: (work) =>
      withClient(async (client, tx) => {
        await client.query("BEGIN");
        try {
          const value = await work(tx);
          await client.query("COMMIT");
          return value;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    withLock: (key, work) =>
      withClient(async (client, tx) => {
        const id = lockKey(key);
        await client.query("SELECT pg_advisory_lock($1::bigint)", [id]);
        try {
          return await work(tx);
        } finally {
          await client.query("SELECT pg_advisory_unlock($1::bigint)", [id]);
        }
      }),
    async close() {
      await pool.end();
    },
  };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("08") || code === "ECONNRESET" || code === "57P01");
}
