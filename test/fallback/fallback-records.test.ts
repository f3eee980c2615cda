import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { expireFallbackRecords } from "../../src/schedules/expire-fallback-records.js";
import { redrivePendingFallbacks } from "../../src/schedules/redrive-pending-fallbacks.js";
import { writeMissingFallbackFiles } from "../../src/fallback/write-missing-fallback-files.js";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { CORPUS_SECRETS, SECRET_EXAMPLES } from "../support/secret-corpus.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../support/test-config.js";
import { webhookExample } from "../support/webhook-examples.js";

const REPOSITORY = `${OWNER}/${REPO}`;
const NO_ISSUE_WRITE = { actions: "read", checks: "write", issues: "read", contents: "read", metadata: "read", pull_requests: "read" } as const;
const ALL = { ...NO_ISSUE_WRITE, issues: "write" } as const;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup({ fallbackDir }: { fallbackDir?: string } = {}) {
  const harness = await createAppHarness({ permissions: NO_ISSUE_WRITE, env: fallbackDir ? { FALLBACK_DIR: fallbackDir } : {} });
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  return harness;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fallback-records-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every secret of the corpus in a snippet, a path and a pattern. */
function corpusArtifact(generatedAt = "2026-11-20T10:00:00Z") {
  return artifactFixture({
    generated_at: generatedAt,
    org_unregistered_hits: SECRET_EXAMPLES.flatMap(({ kind, text }, i) => [
      hit({ repo: REPOSITORY, path: `src/corpus/${i}.ts`, line_number: i + 1, pattern: `in-snippet-${kind}`, snippet: `const value = "${text}"; // plain-snippet-marker` }),
      hit({ repo: REPOSITORY, path: `deploy/${text}.txt`, line_number: i + 1, pattern: text, severity: "critical" }),
    ]),
  });
}

let shaCounter = 0;
async function ingest(harness: AppHarness, document: Record<string, unknown>) {
  const headSha = (++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  const [check] = harness.sim.checkRuns(REPOSITORY, { headSha, name: "Audit ingest gate" });
  return check!;
}

interface Row {
  id: string;
  status: string;
  generated_at: Date;
  expires_at: Date;
  digest_url: string | null;
  text: string;
}

async function records(harness: AppHarness): Promise<Row[]> {
  const { rows } = await harness.db.query<Row>(
    "SELECT id::text, status, generated_at, expires_at, digest_url, row_to_json(f)::text AS text FROM fallback_records f ORDER BY id",
  );
  return rows;
}

function leaked(text: string): string[] {
  return CORPUS_SECRETS.filter((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)) || text.includes(JSON.stringify(secret).slice(1, -1)));
}

function digestIssues(harness: AppHarness) {
  return harness.sim.issues(REPOSITORY).filter((i) => i.labels.includes("audit-digest"));
}

/** The app as GitHub's webhooks reach it, enqueueing into the harness's database. */
async function receiveWebhook(harness: AppHarness, { id, name, payload }: { id: string; name: string; payload: Record<string, unknown> }) {
  const probot = new Probot({ appId: TEST_APP_ID, privateKey: testPrivateKey, secret: TEST_WEBHOOK_SECRET, logLevel: "fatal" });
  await probot.load(
    createApp({
      log: harness.runner.log,
      metrics: createMetrics({ queue: harness.queue, db: harness.db }),
      enqueue: (input) => enqueueWebhookJob({ db: harness.db, queue: harness.queue, ...input }),
    }),
  );
  await probot.receive({ id, name, payload } as never);
}

/** Runs the re-drive jobs waiting in the queue the way a worker does. */
async function runQueuedRedrives(harness: AppHarness): Promise<number> {
  const { rows } = await harness.db.query<{ id: string; data: { trigger: string; recordId: number | null; afterId: number | null } }>(
    "DELETE FROM pgboss.job WHERE name = 'redrive-fallbacks' AND state = 'created' RETURNING id, data",
  );
  for (const row of rows) {
    await harness.runJob("redrive-fallbacks", { trigger: row.data.trigger, recordId: row.data.recordId, afterId: row.data.afterId });
  }
  return rows.length;
}

describe("fallback records", () => {
  it("keeps the findings of a digest the app may not file as one redacted record, says what to do on the check run, and writes one complete file", async () => {
    const fallbackDir = tempDir();
    const harness = await setup({ fallbackDir });
    const check = await ingest(harness, corpusArtifact());

    expect(digestIssues(harness)).toEqual([]);
    const rows = await records(harness);
    expect(rows).toHaveLength(1);
    const [record] = rows;
    expect(record!.status).toBe("pending");
    expect(leaked(record!.text)).toEqual([]);
    expect(record!.text).not.toContain("plain-snippet-marker");
    expect(record!.text).toContain("<REDACTED>");
    // Seven days, the default fallback.ttl_days.
    expect(record!.expires_at.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(record!.expires_at.getTime() - Date.now()).toBeLessThan(7.1 * 86_400_000);

    const until = record!.expires_at.toISOString().slice(0, 10);
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain(
      `**No digest was filed**: the app may not create issues in acme/app (403 Resource not accessible by integration). Grant *Issues: write* to the app or enable issues; the findings are kept, redacted, as fallback record ${record!.id} until ${until} and will be filed when that is possible.`,
    );
    expect(check.output.summary).not.toContain("listed here and in the artifact");

    expect(readdirSync(fallbackDir)).toEqual([`fallback-record-${record!.id}.json`]);
    const path = join(fallbackDir, `fallback-record-${record!.id}.json`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    const file = JSON.parse(text) as { id: number; auditId: string; status: string; artifact: { org_unregistered_hits: Array<{ snippet?: string }> }; digest: { title: string; body: string } };
    expect(file).toMatchObject({ id: Number(record!.id), auditId: "org-audit", status: "pending" });
    expect(file.artifact.org_unregistered_hits.filter((h) => h.snippet !== undefined).every((h) => h.snippet === "<REDACTED>")).toBe(true);
    expect(file.digest.title).toBe("Audit digest: org-audit");
    expect(file.digest.body).toContain("<REDACTED>");
    expect(leaked(text)).toEqual([]);
    expect(text).not.toContain("plain-snippet-marker");
  });

  it("writes a record's file only once its transaction committed, and a start-up writes the file a crash after the commit left out", async () => {
    const fallbackDir = tempDir();
    const harness = await setup({ fallbackDir });
    // The commit of the first attempt fails, as when the process dies before committing.
    await harness.db.query("CREATE FUNCTION refuse_fallback_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$");
    await harness.db.query(
      "CREATE CONSTRAINT TRIGGER refuse_fallback_commit AFTER INSERT ON fallback_records DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_fallback_commit()",
    );
    await expect(ingest(harness, artifactFixture({ audit_id: "org-audit" }))).rejects.toThrow(/commit refused/);
    expect(await records(harness)).toEqual([]);
    expect(readdirSync(fallbackDir)).toEqual([]);

    await harness.db.query("DROP TRIGGER refuse_fallback_commit ON fallback_records");
    await ingest(harness, artifactFixture({ audit_id: "org-audit" }));
    const [record] = await records(harness);
    const name = `fallback-record-${record!.id}.json`;
    expect(readdirSync(fallbackDir)).toEqual([name]);
    const written = readFileSync(join(fallbackDir, name), "utf8");

    rmSync(join(fallbackDir, name));
    expect(await writeMissingFallbackFiles({ db: harness.db, dir: fallbackDir })).toBe(1);
    expect(readdirSync(fallbackDir)).toEqual([name]);
    expect(readFileSync(join(fallbackDir, name), "utf8")).toBe(written);
    expect(await writeMissingFallbackFiles({ db: harness.db, dir: fallbackDir })).toBe(0);
  });

  it("updates the pending record when the same audit_id fails again, and keeps a newer one over an older artifact", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-20T10:00:00Z" }));
    const [first] = await records(harness);
    const again = await ingest(harness, artifactFixture({ generated_at: "2026-11-21T10:00:00Z" }));
    const afterNewer = await records(harness);
    expect(afterNewer.map((r) => [r.id, r.status, r.generated_at.toISOString()])).toEqual([[first!.id, "pending", "2026-11-21T10:00:00.000Z"]]);
    expect(again.output.summary).toContain(`as fallback record ${first!.id} until`);

    await ingest(harness, artifactFixture({ generated_at: "2026-11-19T10:00:00Z" }));
    expect((await records(harness)).map((r) => [r.id, r.generated_at.toISOString()])).toEqual([[first!.id, "2026-11-21T10:00:00.000Z"]]);
  });

  it("files the digest once when the installation accepts new permissions, with a fresh token; a second re-drive changes nothing", async () => {
    const harness = await setup();
    await ingest(harness, corpusArtifact());
    const [record] = await records(harness);

    harness.sim.setInstallationPermissions({ installationId: INSTALLATION_ID, permissions: ALL });
    const event = webhookExample("installation", "new_permissions_accepted", { installationId: INSTALLATION_ID });
    await receiveWebhook(harness, { id: "delivery-permissions-1", name: "installation", payload: event });
    expect(await runQueuedRedrives(harness)).toBe(1);

    const filed = digestIssues(harness);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.title).toBe("Audit digest: org-audit");
    expect(filed[0]!.body).toContain("<REDACTED>");
    expect(filed[0]!.body).not.toContain("plain-snippet-marker");
    expect(leaked(filed[0]!.body ?? "")).toEqual([]);
    const [redriven] = await records(harness);
    expect(redriven).toMatchObject({ id: record!.id, status: "redriven" });
    expect(redriven!.digest_url).toContain(`/issues/${filed[0]!.number}`);

    const before = harness.sim.requests.length;
    await harness.runJob("redrive-fallbacks", { trigger: "test", recordId: null, afterId: null });
    expect(harness.sim.requests.length).toBe(before);
    expect(digestIssues(harness)).toHaveLength(1);
    expect(digestIssues(harness)[0]!.comments).toHaveLength(0);
  });

  it("asks for a re-drive when repositories are added or a repository has issues on or is unarchived, not when its issues are off", async () => {
    const harness = await setup();
    const added = webhookExample("installation_repositories", "added", { installationId: INSTALLATION_ID });
    await receiveWebhook(harness, { id: "delivery-added-1", name: "installation_repositories", payload: added });
    const enabled = webhookExample("repository", "edited", { installationId: INSTALLATION_ID });
    enabled.repository.has_issues = true;
    await receiveWebhook(harness, { id: "delivery-edited-1", name: "repository", payload: enabled });
    const disabled = webhookExample("repository", "edited", { installationId: INSTALLATION_ID });
    disabled.repository.has_issues = false;
    await receiveWebhook(harness, { id: "delivery-edited-2", name: "repository", payload: disabled });
    const { rows } = await harness.db.query<{ data: { trigger: string } }>("SELECT data FROM pgboss.job WHERE name = 'redrive-fallbacks' ORDER BY created_on");
    expect(rows.map((r) => r.data.trigger)).toEqual(["installation_repositories.added", "repository.edited"]);
  });

  it("leaves a record pending while GitHub still refuses, and files it hourly once allowed", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    await redrivePendingFallbacks.run.call(redrivePendingFallbacks, harness.taskContext);
    expect(await runQueuedRedrives(harness)).toBe(1);
    expect((await records(harness)).map((r) => r.status)).toEqual(["pending"]);
    expect(digestIssues(harness)).toEqual([]);

    harness.sim.setInstallationPermissions({ installationId: INSTALLATION_ID, permissions: ALL });
    await redrivePendingFallbacks.run.call(redrivePendingFallbacks, harness.taskContext);
    expect(await runQueuedRedrives(harness)).toBe(1);
    expect((await records(harness)).map((r) => r.status)).toEqual(["redriven"]);
    expect(digestIssues(harness)).toHaveLength(1);

    await redrivePendingFallbacks.run.call(redrivePendingFallbacks, harness.taskContext);
    expect(await runQueuedRedrives(harness)).toBe(0);
  });

  it("lets a newer ingest for the same audit_id supersede an older pending record", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-20T10:00:00Z" }));
    harness.sim.setInstallationPermissions({ installationId: INSTALLATION_ID, permissions: ALL });
    // A new process (or an hour later) mints a token with the new permission.
    const fresh = await createAppHarness({ sim: harness.sim, db: harness.db });
    cleanups.push(() => fresh.close());
    const sha = "f".repeat(40);
    const run = harness.sim.createWorkflowRun({
      repo: REPOSITORY,
      headSha: sha,
      artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ generated_at: "2026-11-21T10:00:00Z" })) }],
    });
    await fresh.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha: sha, fromFork: false });

    expect((await records(harness)).map((r) => r.status)).toEqual(["superseded"]);
    const filed = digestIssues(harness);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.body).not.toContain("<REDACTED>");
    await fresh.runJob("redrive-fallbacks", { trigger: "test", recordId: null, afterId: null });
    expect(digestIssues(harness)).toHaveLength(1);
    expect(digestIssues(harness)[0]!.body).toBe(filed[0]!.body);
  });

  it("removes expired records and their files, and keeps fresh ones", async () => {
    const fallbackDir = tempDir();
    const harness = await setup({ fallbackDir });
    await ingest(harness, artifactFixture({ audit_id: "old-audit" }));
    await ingest(harness, artifactFixture({ audit_id: "fresh-audit" }));
    const [old, fresh] = await records(harness);
    await harness.db.query("UPDATE fallback_records SET expires_at = now() - interval '1 minute' WHERE id = $1", [Number(old!.id)]);
    expect(readdirSync(fallbackDir).sort()).toEqual([`fallback-record-${old!.id}.json`, `fallback-record-${fresh!.id}.json`].sort());

    await expireFallbackRecords.run.call(expireFallbackRecords, harness.taskContext);

    expect((await records(harness)).map((r) => r.id)).toEqual([fresh!.id]);
    expect(readdirSync(fallbackDir)).toEqual([`fallback-record-${fresh!.id}.json`]);
  });
});
