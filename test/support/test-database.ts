import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPgliteDatabase, type PgliteDatabase } from "../../src/db/create-pglite-database.js";
import { requireService } from "./require-service.js";

/**
 * A fresh, migrated PGlite database cloned from the run's template, in memory or in `dataDir`.
 * Close it at the end of the test: an open PGlite keeps the process alive.
 */
export async function createTestDatabase({ dataDir }: { dataDir?: string } = {}): Promise<PgliteDatabase> {
  const template = new Blob([readFileSync(inject("pgliteTemplatePath"))]);
  return createPgliteDatabase({ dataDir, loadDataDir: template });
}

/** `TEST_DATABASE_URL` when the run has real PostgreSQL, else undefined. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
/** `TEST_REDIS_URL` when the run has real Redis, else undefined. */
export const testRedisUrl = process.env.TEST_REDIS_URL || undefined;

/**
 * Real PostgreSQL for the tests that need it: `describe.runIf(testPostgres.runs)` and
 * `testPostgres.require()` inside, so that with `CI=true` a missing server fails them.
 */
export const testPostgres = requireService({
  name: "PostgreSQL (TEST_DATABASE_URL)",
  value: testDatabaseUrl,
  hint: "set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test",
});
/** Real Redis for the tests that need it, on the same terms as `testPostgres`. */
export const testRedis = requireService({
  name: "Redis (TEST_REDIS_URL)",
  value: testRedisUrl,
  hint: "set TEST_REDIS_URL, e.g. redis://127.0.0.1:6379",
});

/**
 * Creates an empty PostgreSQL database on the `TEST_DATABASE_URL` server for one test file,
 * and returns its URL and a function that drops it.
 */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = testPostgres.require();
  const name = `audit_digest_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
