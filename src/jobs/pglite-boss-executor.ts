import type PgBoss from "pg-boss";
import type { Database } from "../db/database.js";
import { intakeActivityOf } from "./intake-activity.js";

/**
 * pg-boss's `db.executeSql` on PGlite: parameterless SQL may hold several statements (its
 * migrations do), so it goes through `exec`; everything else is one statement via `query`.
 *
 * PGlite runs in the app's own thread, so every statement of the job queue (fetching jobs,
 * recording their outcome, renewing leases, maintenance, schedules) first waits while the
 * webhook intake on `db` is busy (bounded, see `IntakeActivity`): a burst of deliveries is
 * answered before new jobs start. No intake statement goes through here, so none waits on this.
 */
export function pgliteBossExecutor(db: Database): PgBoss.Db {
  const activity = intakeActivityOf(db);
  return {
    async executeSql(text: string, values: unknown[] | undefined) {
      await activity.quiet();
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
