import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/db/create-pglite-database.js";
import { createAppHarness, OWNER, REPO } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { createTestDatabase } from "../support/test-database.js";
import { runCliInMemory } from "../cli/run-cli-in-memory.js";

const REPOSITORY = `${OWNER}/${REPO}`;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A stopped app's PGlite directory holding fallback records of two audits, made by ingests the
 * simulator refused (no issues: write); returns the directory.
 */
async function stoppedAppWithRecords(): Promise<string> {
  const dataDir = tempDir("fallback-cli-data-");
  const db = await createTestDatabase({ dataDir });
  const harness = await createAppHarness({
    db,
    permissions: { actions: "read", checks: "write", issues: "read", contents: "read", metadata: "read" },
  });
  for (const [i, auditId] of ["audit-one", "audit-two"].entries()) {
    const headSha = String(i + 1).repeat(40);
    const run = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ audit_id: auditId })) }] });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  }
  await harness.close();
  await db.close();
  return dataDir;
}

describe("audit-digest fallback", () => {
  it("lists, shows, exports and queues a re-drive of records in a stopped app's database", async () => {
    const dataDir = await stoppedAppWithRecords();
    const env = { DATA_DIR: dataDir };
    const cwd = tempDir("fallback-cli-cwd-");

    const list = await runCliInMemory(["fallback", "list"], { cwd, env });
    expect(list).toMatchObject({ code: 0, stderr: "" });
    expect(list.stdout).toMatch(/^1 {2}pending {2}until \S+ {2}installation 1 {2}acme\/app {2}audit-one {2}forbidden \(403 Resource not accessible by integration\)$/m);
    expect(list.stdout).toMatch(/^2 {2}pending .* audit-two /m);
    expect(list.stdout).toContain("2 fallback records");

    const json = await runCliInMemory(["fallback", "list", "--json"], { cwd, env });
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as { records: Array<{ id: number; status: string; audit_id: string; reason: { status: number } }> };
    expect(listed.records.map((r) => [r.id, r.status, r.audit_id, r.reason.status])).toEqual([
      [1, "pending", "audit-one", 403],
      [2, "pending", "audit-two", 403],
    ]);

    const show = await runCliInMemory(["fallback", "show", "2"], { cwd, env });
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { id: number; artifact: { org_unregistered_hits: Array<{ snippet: string }> }; digest: { title: string } };
    expect(shown.id).toBe(2);
    expect(shown.digest.title).toBe("Audit digest: audit-two");
    expect(shown.artifact.org_unregistered_hits.map((h) => h.snippet)).toEqual(["<REDACTED>", "<REDACTED>", "<REDACTED>"]);

    const exported = await runCliInMemory(["fallback", "export", "out"], { cwd, env });
    expect(exported).toMatchObject({ code: 0, stdout: `exported 2 fallback records to ${join(cwd, "out")}\n` });
    expect(readdirSync(join(cwd, "out")).sort()).toEqual(["fallback-record-1.json", "fallback-record-2.json"]);
    expect(statSync(join(cwd, "out", "fallback-record-1.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(cwd, "out", "fallback-record-1.json"), "utf8"))).toMatchObject({ id: 1, auditId: "audit-one" });

    const redrive = await runCliInMemory(["fallback", "redrive", "1"], { cwd, env });
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toMatch(/^re-drive of fallback record 1 \(acme\/app, audit-one\) queued as job \S+; the app's workers file it\n$/);
    const reopened = await createPgliteDatabase({ dataDir });
    try {
      const { rows } = await reopened.query<{ data: { installationId: number; recordId: number } }>(
        "SELECT data FROM pgboss.job WHERE name = 'redrive-fallbacks'",
      );
      expect(rows.map((r) => [r.data.installationId, r.data.recordId])).toEqual([[1, 1]]);
    } finally {
      await reopened.close();
    }
  });

  it("answers a missing record, a record no longer pending, bad arguments and an unusable database with an exit code and a message", async () => {
    const dataDir = await stoppedAppWithRecords();
    const env = { DATA_DIR: dataDir };
    const cwd = tempDir("fallback-cli-cwd-");

    expect(await runCliInMemory(["fallback", "show", "99"], { cwd, env })).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "audit-digest fallback: no fallback record 99 (see audit-digest fallback list; expired records are removed)\n",
    });
    const db = await createPgliteDatabase({ dataDir });
    await db.query("UPDATE fallback_records SET status = 'redriven', digest_url = 'http://github.test/acme/app/issues/4' WHERE id = 1");
    await db.close();
    expect(await runCliInMemory(["fallback", "redrive", "1"], { cwd, env })).toMatchObject({
      code: 2,
      stderr: "audit-digest fallback redrive: record 1 is redriven (http://github.test/acme/app/issues/4), not pending: there is nothing to re-drive\n",
    });

    const badId = await runCliInMemory(["fallback", "show", "one"], { cwd, env });
    expect(badId.code).toBe(1);
    expect(badId.stderr).toContain('"fallback show" takes exactly one record id, a whole number');
    const badAction = await runCliInMemory(["fallback", "drop", "1"], { cwd, env });
    expect(badAction.code).toBe(1);
    expect(badAction.stderr).toContain('unknown action "drop": expected list, show, export or redrive');
    expect((await runCliInMemory(["fallback", "show", "1", "--json"], { cwd, env })).stderr).toContain('--json applies to "fallback list" only');

    const empty = tempDir("fallback-cli-empty-");
    const missing = await runCliInMemory(["fallback", "list"], { cwd, env: { DATA_DIR: empty } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot open the PGlite data directory DATA_DIR (${empty}): it holds no database`);
    const badUrl = await runCliInMemory(["fallback", "list"], { cwd, env: { DATABASE_URL: "mysql://x" } });
    expect(badUrl).toMatchObject({ code: 1, stderr: "audit-digest fallback: DATABASE_URL: must be a postgres:// connection URL\n" });

    const help = await runCliInMemory(["fallback", "--help"], { cwd, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("redrive <id>  queue a re-drive of this pending record");
  });

  it("says when a database holds no records, and when the app has not started on it yet", async () => {
    const cwd = tempDir("fallback-cli-cwd-");
    const migrated = tempDir("fallback-cli-migrated-");
    await (await createTestDatabase({ dataDir: migrated })).close();
    expect(await runCliInMemory(["fallback", "list"], { cwd, env: { DATA_DIR: migrated } })).toEqual({ code: 0, stdout: "no fallback records\n", stderr: "" });

    const older = tempDir("fallback-cli-older-");
    const db = await createTestDatabase({ dataDir: older });
    await db.query("DROP TABLE fallback_records CASCADE");
    await db.close();
    const notStarted = await runCliInMemory(["fallback", "list"], { cwd, env: { DATA_DIR: older } });
    expect(notStarted.code).toBe(1);
    expect(notStarted.stderr).toContain("has no fallback records: the app has not started on it yet");
  });
});
