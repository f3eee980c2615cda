import { afterAll, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/db/create-pglite-database.js";
import { createPostgresDatabase } from "../../src/db/create-postgres-database.js";
import type { Database } from "../../src/db/database.js";
import { migrations } from "../../src/db/migrations/index.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { createPostgresTestDatabase, testPostgres } from "../support/test-database.js";

async function expectMigratesOnce(db: Database): Promise<void> {
  expect(await runMigrations({ db })).toEqual(migrations.map((m) => m.id));
  expect(await runMigrations({ db })).toEqual([]);
  const { rows } = await db.query<{ id: string }>("SELECT id FROM schema_migrations ORDER BY id");
  expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  expect(tables.rows.map((r) => r.table_name)).toEqual(
    expect.arrayContaining(["webhook_deliveries", "installations", "check_runs", "schema_migrations"]),
  );
}

describe("runMigrations", () => {
  it("applies every migration to a new PGlite database, and nothing the second time", async () => {
    const db = await createPgliteDatabase({});
    try {
      await expectMigratesOnce(db);
    } finally {
      await db.close();
    }
  });

  // With CI=true this runs always, and fails when TEST_DATABASE_URL is missing.
  describe.runIf(testPostgres.runs)("on PostgreSQL", () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    it("applies every migration once, and replicas starting together apply each once", async () => {
      const target = await createPostgresTestDatabase();
      cleanups.push(target.drop);
      const replicas = [createPostgresDatabase({ url: target.url }), createPostgresDatabase({ url: target.url })];
      cleanups.unshift(async () => {
        for (const db of replicas) await db.close();
      });
      const applied = await Promise.all(replicas.map((db) => runMigrations({ db })));
      expect(applied.flat().sort()).toEqual(migrations.map((m) => m.id).sort());
      expect(await runMigrations({ db: replicas[0]! })).toEqual([]);
    });
  });
});
