import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Queryable, SqlParams } from "./database.js";

export interface PgliteDatabaseOptions {
  /** Folder holding the data; created when missing. Omit for an in-memory database. */
  dataDir?: string | undefined;
  /** A `dumpDataDir` tarball to start from (tests clone a template this way). */
  loadDataDir?: Blob | undefined;
}

/** PGlite's database can also be dumped as a tarball (a backup, or a template to clone). */
export interface PgliteDatabase extends Database {
  dumpDataDir(): Promise<Blob>;
}

/** A `Database` on embedded PGlite: one connection in this process. */
export async function createPgliteDatabase({ dataDir, loadDataDir }: PgliteDatabaseOptions): Promise<PgliteDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  const lockQueues = new Map<string, Promise<unknown>>();

  const database: PgliteDatabase = {
    kind: "pglite",
    async query<Row>(sql: string, params?: SqlParams) {
      const result = await pglite.query<Row>(sql, params as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(sql) {
      await pglite.exec(sql);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      return pglite.transaction(async (pgTx) =>
        work({
          async query<Row>(sql: string, params?: SqlParams) {
            const result = await pgTx.query<Row>(sql, params as unknown[] | undefined);
            return { rows: result.rows };
          },
        }),
      );
    },
    // One process owns a PGlite database, so an in-process queue per key is a true mutex.
    async withLock<T>(key: string, work: (db: Database) => Promise<T>) {
      const previous = lockQueues.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => work(database));
      lockQueues.set(key, run);
      try {
        return await run;
      } finally {
        if (lockQueues.get(key) === run) lockQueues.delete(key);
      }
    },
    async dumpDataDir() {
      return pglite.dumpDataDir("none");
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
  return database;
}
