import type PgBoss from "pg-boss";
import type { Database } from "../db/database.js";

/**
 * pg-boss's `db.executeSql` on PGlite: parameterless SQL may hold several statements (its
 * migrations do), so it goes through `exec`; everything else is one statement via `query`.
 */
export function pgliteBossExecutor(db: Database): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] | undefined) {
      if (!values || values.length === 0) {
        if (isSingleStatement(text)) return db.query(text);
        await db.exec(text);
        return { rows: [] };
      }
      return db.query(text, values);
    },
  };
}

function isSingleStatement(text: string): boolean {
  const trimmed = text.trim().replace(/;\s*$/, "");
  return !trimmed.includes(";");
}
