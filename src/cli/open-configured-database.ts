import { existsSync } from "node:fs";
import path from "node:path";
import { envSchema } from "../config/env-schema.js";
import { createPgliteDatabase } from "../db/create-pglite-database.js";
import { createPostgresDatabase } from "../db/create-postgres-database.js";
import type { Database } from "../db/database.js";
import type { CliIo } from "./cli-io.js";

export type OpenedDatabase =
  | {
      ok: true;
      db: Database;
      /** The PostgreSQL URL (for the job queue's own pool), or undefined on PGlite. */
      databaseUrl: string | undefined;
      /** Which database this is, for messages (no password). */
      description: string;
    }
  | { ok: false; message: string };

const locationSchema = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true });

/**
 * The database the app is configured with: PostgreSQL at `DATABASE_URL`, else the PGlite data
 * directory `DATA_DIR` (relative to the working directory). PGlite lives inside one process,
 * so its directory is opened only while the app is stopped. Every failure is a message saying
 * which setting to fix; none repeats a password.
 */
export async function openConfiguredDatabase(io: CliIo): Promise<OpenedDatabase> {
  const env = Object.fromEntries(Object.entries(io.env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = locationSchema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") };
  }
  const { DATABASE_URL: url, DATA_DIR: dataDir } = parsed.data;
  if (url !== undefined) {
    const description = `the PostgreSQL database at DATABASE_URL (${withoutPassword(url)})`;
    const db = createPostgresDatabase({ url, maxConnections: 2 });
    try {
      await db.query("SELECT 1");
    } catch (error) {
      await db.close().catch(() => undefined);
      return { ok: false, message: `cannot open ${description}: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { ok: true, db, databaseUrl: url, description };
  }
  const dir = path.resolve(io.cwd, dataDir);
  const description = `the PGlite data directory DATA_DIR (${dir})`;
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    return {
      ok: false,
      message: `cannot open ${description}: it holds no database (start the app once to create it, or set DATA_DIR or DATABASE_URL to the app's database)`,
    };
  }
  if (existsSync(path.join(dir, "postmaster.pid"))) {
    return {
      ok: false,
      message:
        `cannot open ${description}: it is in use (postmaster.pid is present), and PGlite lives inside one process. ` +
        "Stop the app first, or use DATABASE_URL; if the app is not running (it was stopped by force), remove that file",
    };
  }
  try {
    return { ok: true, db: await createPgliteDatabase({ dataDir: dir }), databaseUrl: undefined, description };
  } catch (error) {
    return { ok: false, message: `cannot open ${description}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "unparseable URL";
  }
}
