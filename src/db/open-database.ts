import type { AppConfig } from "../config/app-config.js";
import type { Database } from "./database.js";

/**
 * PostgreSQL when `DATABASE_URL` is set, embedded PGlite in `DATA_DIR` otherwise. Each driver
 * is loaded only when it is the one configured: PGlite's JavaScript alone is a few megabytes
 * that a process on PostgreSQL has no use for.
 */
export async function openDatabase(config: AppConfig["database"]): Promise<Database> {
  if (config.kind === "postgres") {
    const { createPostgresDatabase } = await import("./create-postgres-database.js");
    return createPostgresDatabase({ url: config.url });
  }
  const { createPgliteDatabase } = await import("./create-pglite-database.js");
  return createPgliteDatabase({ dataDir: config.dataDir });
}
