import type { Database } from "./database.js";
import type { Migration } from "./migrations/migration.js";
import { migrations as allMigrations } from "./migrations/index.js";

export interface RunMigrationsOptions {
  db: Database;
  migrations?: readonly Migration[];
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * under a lock so replicas starting together apply each one once. Returns the ids applied.
 */
export async function runMigrations({ db, migrations = allMigrations }: RunMigrationsOptions): Promise<string[]> {
  return db.withLock("audit-digest:migrations", async (conn) => {
    // Inside the lock: PostgreSQL's IF NOT EXISTS is not safe against a concurrent creator.
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         id         text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await conn.query<{ id: string }>("SELECT id FROM schema_migrations");
    const applied = new Set(rows.map((row) => row.id));
    const pending = migrations.filter((migration) => !applied.has(migration.id));
    for (const migration of pending) {
      await conn.transaction(async (tx) => {
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query("INSERT INTO schema_migrations (id) VALUES ($1)", [migration.id]);
      });
    }
    return pending.map((migration) => migration.id);
  });
}
