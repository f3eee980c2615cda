import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { createPgliteDatabase, PGLITE_SETTINGS } from "../../src/db/create-pglite-database.js";
import type { Database } from "../../src/db/database.js";
import { migrations } from "../../src/db/migrations/index.js";
import { runMigrations } from "../../src/db/run-migrations.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function emptyFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "pglite-data-dir-"));
  folders.push(folder);
  return join(folder, "data");
}

async function settings(db: Database): Promise<Record<string, string>> {
  const names = Object.keys(PGLITE_SETTINGS);
  const { rows } = await db.query<{ name: string; value: string }>(
    "SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name",
    [names],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

async function insertDelivery(db: Database, id: string): Promise<void> {
  await db.query("INSERT INTO webhook_deliveries (delivery_id, job_name, event, action, installation_id) VALUES ($1, 'ingest', 'workflow_run', 'completed', 1)", [id]);
}

async function deliveryIds(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ delivery_id: string }>("SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id");
  return rows.map((row) => row.delivery_id);
}

describe("PGlite data directory", () => {
  it("an empty DATA_DIR gets a database: migrations run, rows survive a reopen, the embedded settings apply, no staging folder is left", async () => {
    const dataDir = emptyFolder();
    const first = await createPgliteDatabase({ dataDir });
    try {
      expect(await runMigrations({ db: first })).toEqual(migrations.map((m) => m.id));
      await insertDelivery(first, "delivery-1");
      expect(await settings(first)).toEqual(PGLITE_SETTINGS);
    } finally {
      await first.close();
    }
    expect(readdirSync(dataDir)).toContain("PG_VERSION");
    expect(readdirSync(dataDir)).not.toContain(".initdb");

    const reopened = await createPgliteDatabase({ dataDir });
    try {
      expect(await runMigrations({ db: reopened })).toEqual([]);
      expect(await deliveryIds(reopened)).toEqual(["delivery-1"]);
      expect(await settings(reopened)).toEqual(PGLITE_SETTINGS);
    } finally {
      await reopened.close();
    }
  });

  it("a data directory made with PGlite's defaults (an earlier version) keeps its data and runs with the embedded settings", async () => {
    const dataDir = emptyFolder();
    const earlier = await PGlite.create(dataDir);
    await earlier.exec("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('from before')");
    expect((await earlier.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows[0]?.shared_buffers).toBe("128MB");
    await earlier.close();

    const db = await createPgliteDatabase({ dataDir });
    try {
      expect((await db.query<{ note: string }>("SELECT note FROM kept")).rows).toEqual([{ note: "from before" }]);
      expect(await settings(db)).toEqual(PGLITE_SETTINGS);
    } finally {
      await db.close();
    }
  });

  it("a first start killed half-way (a staging folder, part of the cluster moved, no PG_VERSION) is built again, other files left alone", async () => {
    const dataDir = emptyFolder();
    mkdirSync(join(dataDir, ".initdb", "base"), { recursive: true });
    writeFileSync(join(dataDir, ".initdb", "base", "half-written"), "x");
    mkdirSync(join(dataDir, "global"), { recursive: true });
    writeFileSync(join(dataDir, "global", "pg_control"), "torn");
    writeFileSync(join(dataDir, "operator-notes.txt"), "mine");

    const db = await createPgliteDatabase({ dataDir });
    try {
      expect(await runMigrations({ db })).toEqual(migrations.map((m) => m.id));
      await insertDelivery(db, "delivery-after-retry");
      expect(await deliveryIds(db)).toEqual(["delivery-after-retry"]);
    } finally {
      await db.close();
    }
    expect(existsSync(join(dataDir, ".initdb"))).toBe(false);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(["PG_VERSION", "operator-notes.txt"]));
  });
});
