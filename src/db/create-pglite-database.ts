import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Queryable, SqlParams } from "./database.js";
import { hasPgliteDatabase, initializePgliteDataDir } from "./initialize-pglite-data-dir.js";
import type { PreparedStatement, PreparesStatements } from "./query-prepared.js";

/**
 * PostgreSQL settings of the embedded database. PGlite's WebAssembly memory only grows: what
 * PostgreSQL touches once stays resident for the life of the process. Its defaults are sized
 * for a server (128 MB of shared buffers, 64 MB for each VACUUM or CREATE INDEX, shared memory
 * for 100 connections) where this is one backend over a database of tens of megabytes. They
 * are passed to initdb (so postgresql.conf says the same) and as start parameters on every
 * open, which win over postgresql.conf, so data directories made by earlier versions get them
 * too. The WAL sizes bound the disk a busy single-user server keeps before its checkpoint.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  maintenance_work_mem: "16MB",
  max_connections: "5",
  min_wal_size: "32MB",
  max_wal_size: "128MB",
};

const settingParams = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
const PGLITE_OPTIONS = {
  initDbStartParams: settingParams,
  startParams: [...PGlite.defaultStartParams, ...settingParams],
};

export interface PgliteDatabaseOptions {
  /** Folder holding the data; created when missing. Omit for an in-memory database. */
  dataDir?: string | undefined;
  /** A `dumpDataDir` tarball to start from (tests clone a template this way). */
  loadDataDir?: Blob | undefined;
}

/**
 * PGlite's database can also be dumped as a tarball (a backup, or a template to clone), and
 * keeps statements prepared (see `queryPrepared`).
 */
export interface PgliteDatabase extends Database, PreparesStatements {
  dumpDataDir(): Promise<Blob>;
}

/**
 * A `Database` on embedded PGlite: one connection in this process. An empty `dataDir` gets its
 * database from a child process first (see `initializePgliteDataDir`), so this process only
 * ever opens an existing one.
 */
export async function createPgliteDatabase({ dataDir, loadDataDir }: PgliteDatabaseOptions): Promise<PgliteDatabase> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    if (!loadDataDir && !hasPgliteDatabase(dataDir)) await initializePgliteDataDir({ dataDir, options: PGLITE_OPTIONS });
  }
  const pglite = await PGlite.create(dataDir, { ...PGLITE_OPTIONS, ...(loadDataDir ? { loadDataDir } : {}) });
  const lockQueues = new Map<string, Promise<unknown>>();
  /** Statements prepared in this session, by name (PGlite is one session for the life of `pglite`). */
  const prepared = new Map<string, Promise<unknown>>();

  const database: PgliteDatabase = {
    kind: "pglite",
    async query<Row>(sql: string, params?: SqlParams) {
      const result = await pglite.query<Row>(sql, params as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(sql) {
      await pglite.exec(sql);
    },
    /**
     * PGlite's `query` parses and plans its statement on every call, which for the intake's
     * statement costs several times what running it does. This one is prepared once per session
     * (PostgreSQL then reuses its plan) and run with `EXECUTE`, its text parameters written as
     * escape-string literals; PGlite's bind protocol cannot pass parameters to `EXECUTE`.
     */
    async queryPrepared<Row>({ name, text, params }: PreparedStatement) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`queryPrepared: "${name}" is not a lower-case SQL identifier`);
      let preparing = prepared.get(name);
      if (!preparing) {
        preparing = pglite.exec(`PREPARE ${name} AS ${text}`);
        prepared.set(name, preparing);
        preparing.catch(() => prepared.delete(name));
      }
      await preparing;
      const result = await pglite.query<Row>(`EXECUTE ${name}(${params.map(escapeStringLiteral).join(", ")})`);
      return { rows: result.rows };
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

/**
 * `value` as a PostgreSQL escape-string literal (`E'…'`), which reads the same whatever
 * `standard_conforming_strings` says: backslashes and quotes are doubled. A NUL cannot be in
 * PostgreSQL text, nor in a statement's text: it is refused here.
 */
function escapeStringLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("queryPrepared: a text parameter holds a NUL character, which PostgreSQL text cannot hold");
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}
