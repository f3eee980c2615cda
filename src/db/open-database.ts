import type { AppConfig } from "../config/app-config.js";
import { createPgliteDatabase } from "./create-pglite-database.js";
import { createPostgresDatabase } from "./create-postgres-database.js";
import type { Database } from "./database.js";

/** PostgreSQL when `DATABASE_URL` is set, embedded PGlite in `DATA_DIR` otherwise. */
export async function openDatabase(config: AppConfig["database"]): Promise<Database> {
  if (config.kind === "postgres") return createPostgresDatabase({ url: config.url });
  return createPgliteDatabase({ dataDir: config.dataDir });
}
