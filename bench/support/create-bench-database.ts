import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server benchmarks create their databases on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local test server. */
export const BENCH_POSTGRES_SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type BenchDatabase = { url: string; problem?: undefined; drop(): Promise<void> } | { url?: undefined; problem: string; drop(): Promise<void> };

/**
 * A database of its own on `BENCH_POSTGRES_SERVER`, dropped by `drop()`; when the server cannot
 * be used, `problem` says why (the benchmark prints it in place of the PostgreSQL rows).
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `audit_digest_bench_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_SERVER });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (error) {
    return { problem: `PostgreSQL at ${redacted(BENCH_POSTGRES_SERVER)}: ${error instanceof Error ? error.message : String(error)}`, drop: () => Promise.resolve() };
  }
  const url = new URL(BENCH_POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The server URL without its password, for a message. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(BENCH_DATABASE_URL is not a URL)";
  }
}
