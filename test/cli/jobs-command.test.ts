import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/db/create-pglite-database.js";
import { createPostgresDatabase } from "../../src/db/create-postgres-database.js";
import type { Database } from "../../src/db/database.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMigratedPostgresTestDatabase } from "../support/migrated-postgres-test-database.js";
import { createTestDatabase, testDatabaseUrl } from "../support/test-database.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

const log = pino({ level: "silent" });
const SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

interface Backend {
  name: string;
  /** A migrated database with a job queue; `env` points the command line at it. */
  open(): Promise<{
    db: Database;
    databaseUrl: string | undefined;
    /** Where the command line runs, and its environment. */
    cwd: string;
    env: Record<string, string>;
    reopen(): Promise<Database>;
    cleanup(): Promise<void>;
  }>;
}

const backends: Backend[] = [
  {
    name: "a PGlite data directory",
    async open() {
      const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-jobs-"));
      const dataDir = path.join(dir, "data");
      const db = await createTestDatabase({ dataDir });
      return {
        db,
        databaseUrl: undefined,
        cwd: dir,
        env: { DATA_DIR: "data" },
        reopen: () => createPgliteDatabase({ dataDir }),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];
if (testDatabaseUrl) {
  backends.push({
    name: "PostgreSQL",
    async open() {
      const { db, databaseUrl, drop } = await createMigratedPostgresTestDatabase();
      return {
        db,
        databaseUrl,
        cwd: process.cwd(),
        env: { DATABASE_URL: databaseUrl },
        reopen: () => Promise.resolve(createPostgresDatabase({ url: databaseUrl })),
        cleanup: drop,
      };
    },
  });
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A sync-installation job for installation 7 that failed with an error quoting a token, dead-lettered. */
async function deadLetterOne(db: Database, databaseUrl: string | undefined): Promise<void> {
  const queue = await JobQueue.start({
    db,
    databaseUrl,
    log,
    supervise: false,
    policies: { "sync-installation": { retryDelays: [], expireInSeconds: 30, installationGate: "any" } },
  });
  await queue.work("sync-installation", { concurrency: 1, pollIntervalSeconds: 0.5 }, () =>
    Promise.reject(new Error(`GitHub answered 502 while using ${SECRET}`)),
  );
  await queue.send("sync-installation", {
    installationId: 7,
    deliveryId: "d-dead",
    action: "installation.created",
    accountLogin: "octo-org",
    accountType: "Organization",
    permissions: {},
    suspended: false,
    repositories: null,
  });
  const started = Date.now();
  while ((await queue.deadLetterCount()) === 0) {
    if (Date.now() - started > 20_000) throw new Error("the job was not dead-lettered");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await queue.stop(5);
}

describe.each(backends)("audit-digest jobs against $name", (backend) => {
  it("lists the dead-lettered job with its kind, installation and scrubbed error, sends it back once, then finds it no more", async () => {
    const opened = await backend.open();
    cleanup.push(opened.cleanup);
    await deadLetterOne(opened.db, opened.databaseUrl);
    await opened.db.close();
    const cliCwd = opened.cwd;
    const listed = await runCliInMemory(["jobs", "dead", "--json"], { cwd: cliCwd, env: opened.env });
    expect([listed.code, listed.stderr]).toEqual([0, ""]);
    const report = JSON.parse(listed.stdout) as { jobs: Array<Record<string, unknown>> };
    expect(report.jobs).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: "sync-installation",
        installation_id: 7,
        delivery_id: "d-dead",
        dead_lettered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        last_error: "GitHub answered 502 while using [REDACTED:github-token]",
      },
    ]);
    const id = report.jobs[0]!.id as string;

    const text = await runCliInMemory(["jobs", "dead"], { cwd: cliCwd, env: opened.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${id}  sync-installation  installation 7  `);
    expect(text.stdout).toContain("GitHub answered 502 while using [REDACTED:github-token]");
    expect(text.stdout).not.toContain(SECRET);

    const retried = await runCliInMemory(["jobs", "retry", id], { cwd: cliCwd, env: opened.env });
    expect([retried.code, retried.stderr]).toEqual([0, ""]);
    expect(retried.stdout).toMatch(new RegExp(`^job ${id} \\(sync-installation, installation 7\\) sent back to its queue as job [0-9a-f-]{36}\\n$`));

    const db = await opened.reopen();
    const { rows } = await db.query<{ name: string; state: string; installation_id: number; retry_limit: number }>(
      "SELECT name, state, (data->>'installationId')::int AS installation_id, retry_limit FROM pgboss.job WHERE name IN ('dead-letter', 'sync-installation') AND state = 'created'",
    );
    await db.close();
    expect(rows).toEqual([{ name: "sync-installation", state: "created", installation_id: 7, retry_limit: 3 }]);

    const again = await runCliInMemory(["jobs", "retry", id], { cwd: cliCwd, env: opened.env });
    expect([again.code, again.stdout]).toEqual([2, ""]);
    expect(again.stderr).toBe(`audit-digest jobs retry: no dead-lettered job ${id} (see audit-digest jobs dead)\n`);
    const empty = await runCliInMemory(["jobs", "dead"], { cwd: cliCwd, env: opened.env });
    expect([empty.code, empty.stdout]).toEqual([0, "no dead-lettered jobs\n"]);
  });
});

if (!testDatabaseUrl && process.env.CI === "true") {
  it("runs against PostgreSQL in CI", () => {
    throw new Error("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run of audit-digest jobs cannot be skipped in CI");
  });
}

describe("audit-digest jobs when the database cannot be used", () => {
  it("says DATA_DIR holds no database, and exits 1", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-jobs-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const run = await runCliInMemory(["jobs", "dead"], { cwd: dir, env: { DATA_DIR: "nowhere" } });
    expect([run.code, run.stdout]).toEqual([1, ""]);
    expect(run.stderr).toBe(
      `audit-digest jobs: cannot open the PGlite data directory DATA_DIR (${path.join(dir, "nowhere")}): it holds no database (start the app once to create it, or set DATA_DIR or DATABASE_URL to the app's database)\n`,
    );
  });

  it("refuses a PGlite directory the app has open, and exits 1", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-jobs-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const db = await createTestDatabase({ dataDir: path.join(dir, "data") });
    cleanup.push(() => db.close());
    const run = await runCliInMemory(["jobs", "dead"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("it is in use (postmaster.pid is present)");
    expect(run.stderr).toContain("Stop the app first, or use DATABASE_URL");
  });

  it("names DATABASE_URL when it is not a PostgreSQL URL or the server does not answer, without its password", async () => {
    const bad = await runCliInMemory(["jobs", "dead"], { cwd: process.cwd(), env: { DATABASE_URL: "mysql://db/app" } });
    expect([bad.code, bad.stderr]).toEqual([1, "audit-digest jobs: DATABASE_URL: must be a postgres:// connection URL\n"]);

    const unreachable = await runCliInMemory(["jobs", "dead"], { cwd: process.cwd(), env: { DATABASE_URL: "postgres://ops:hunter2secret@127.0.0.1:1/app" } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^audit-digest jobs: cannot open the PostgreSQL database at DATABASE_URL \(postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/app\): /);
    expect(unreachable.stderr).not.toContain("hunter2secret");
  });

  it("answers usage errors with exit 1 and the help", async () => {
    for (const argv of [["jobs"], ["jobs", "purge"], ["jobs", "retry"], ["jobs", "retry", "a", "b"], ["jobs", "dead", "extra"], ["jobs", "retry", "x", "--json"]]) {
      const run = await runCliInMemory(argv, { cwd: process.cwd(), env: {} });
      expect([argv, run.code]).toEqual([argv, 1]);
      expect(run.stderr).toContain("usage: audit-digest jobs dead [--json]");
    }
    const help = await runCliInMemory(["jobs", "--help"], { cwd: process.cwd(), env: {} });
    expect([help.code, help.stdout.startsWith("usage: audit-digest jobs dead [--json]")]).toEqual([0, true]);
  });

  it("refuses an id that is not a dead-lettered job with exit 2", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-jobs-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const db = await createTestDatabase({ dataDir: path.join(dir, "data") });
    await db.close();
    const run = await runCliInMemory(["jobs", "retry", "not-a-job"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toBe('audit-digest jobs retry: no dead-lettered job "not-a-job": a job id is a UUID (see audit-digest jobs dead)\n');
  });
});
