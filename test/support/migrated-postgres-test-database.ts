import { createPostgresDatabase } from "../../src/db/create-postgres-database.js";
import type { Database } from "../../src/db/database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { createPostgresTestDatabase } from "./test-database.js";

/**
 * A fresh PostgreSQL database on the `TEST_DATABASE_URL` server with every migration applied:
 * an open connection to it, its URL, and a function that drops it (close `db` first, or the
 * drop forces it closed).
 */
export async function createMigratedPostgresTestDatabase(): Promise<{ db: Database; databaseUrl: string; drop(): Promise<void> }> {
  const target = await createPostgresTestDatabase();
  const db = createPostgresDatabase({ url: target.url });
  await runMigrations({ db });
  return { db, databaseUrl: target.url, drop: target.drop };
}
