import type { Database } from "../db/database.js";
import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";
import { openConfiguredDatabase } from "./open-configured-database.js";

/**
 * Runs `work` on the app's configured database, then closes it. A database that cannot be
 * opened, or that lacks what the command reads (the app creates it when it first starts on
 * the database), is a message on standard error and the usage exit code.
 */
export async function withAppDatabase({
  io,
  command,
  needs,
  work,
}: {
  io: CliIo;
  /** The command's name in messages, e.g. `jobs`. */
  command: string;
  /** What the command reads: its name in the message when it is missing (`job queue`), and whether the database holds it. */
  needs: { name: string; isPresent(db: Database): Promise<boolean> };
  work(opened: { db: Database; databaseUrl: string | undefined }): Promise<number>;
}): Promise<number> {
  const opened = await openConfiguredDatabase(io);
  if (!opened.ok) {
    io.stderr.write(`audit-digest ${command}: ${opened.message}\n`);
    return ExitCode.usage;
  }
  try {
    if (!(await needs.isPresent(opened.db))) {
      io.stderr.write(`audit-digest ${command}: ${opened.description} has no ${needs.name}: the app has not started on it yet\n`);
      return ExitCode.usage;
    }
    return await work({ db: opened.db, databaseUrl: opened.databaseUrl });
  } finally {
    await opened.db.close();
  }
}
