import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { TestProject } from "vitest/node";
import { createPgliteDatabase } from "../../src/db/create-pglite-database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { JobQueue } from "../../src/jobs/job-queue.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PGlite dump with every migration and the pg-boss schema applied. */
    pgliteTemplatePath: string;
  }
}

/**
 * Creates one PGlite database for the whole run (creating one takes seconds and much memory),
 * migrates it, installs the job queue's schema, and dumps it; tests clone the dump.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "audit-digest-template-"));
  const db = await createPgliteDatabase({});
  await runMigrations({ db });
  const queue = await JobQueue.start({ db, databaseUrl: undefined, log: pino({ level: "silent" }), supervise: false });
  await queue.stop(5);
  const dump = await db.dumpDataDir();
  await db.close();
  const path = join(dir, "template.tar");
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplatePath", path);
  return () => rmSync(dir, { recursive: true, force: true });
}
