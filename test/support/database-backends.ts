import type { Database } from "../../src/db/database.js";
import { createMigratedPostgresTestDatabase } from "./migrated-postgres-test-database.js";
import { createTestDatabase, testPostgres } from "./test-database.js";

/** A database a test suite runs on: a fresh, migrated one per `open`. */
export interface DatabaseBackend {
  name: string;
  open(): Promise<{ db: Database; databaseUrl: string | undefined; cleanup(): Promise<void> }>;
}

/**
 * Embedded PGlite, and PostgreSQL on `TEST_DATABASE_URL`. With `CI=true` the PostgreSQL backend
 * is always listed, so a missing server fails its tests instead of skipping them; elsewhere it is
 * listed only when the URL is set.
 */
export const databaseBackends: DatabaseBackend[] = [
  {
    name: "PGlite",
    async open() {
      const db = await createTestDatabase();
      return { db, databaseUrl: undefined, cleanup: () => db.close() };
    },
  },
  ...(testPostgres.runs
    ? [
        {
          name: "PostgreSQL",
          async open() {
            testPostgres.require();
            const { db, databaseUrl, drop } = await createMigratedPostgresTestDatabase();
            return { db, databaseUrl, cleanup: () => db.close().then(drop) };
          },
        },
      ]
    : []),
];
