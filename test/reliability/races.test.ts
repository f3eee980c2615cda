import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseDigestMarker } from "../../src/digest/digest-marker.js";
import { jobHandlers } from "../../src/job-handlers.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import type { JobData } from "../../src/jobs/job-payloads.js";
import { runQueuedJob } from "../../src/jobs/run-queued-job.js";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { HOME, runCommand, storedFindings } from "../support/command-world.js";
import { databaseBackends } from "../support/database-backends.js";
import { drainQueuedJobs } from "../jobs/drain-queued-jobs.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";

type IngestData = JobData<"ingest-workflow-run">;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

let shaCounter = 0;
const nextSha = () => (0xe000 + ++shaCounter).toString(16).padStart(40, "0");
const finding = (name: string) => hit({ repo: HOME, path: `src/${name}.ts`, line_number: 4, pattern: `pattern-${name}` });
const digestsOf = (harness: AppHarness, auditId = "org-audit") =>
  harness.sim.issues(HOME).filter((issue) => issue.labels.includes("audit-digest") && parseDigestMarker(issue.body ?? "")?.auditId === auditId);

/** A new commit's run in the home uploading `document`; returns the job its workflow_run.completed delivery starts. */
function arrangeRun(harness: AppHarness, document: Record<string, unknown>): IngestData {
  const headSha = nextSha();
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  return { installationId: INSTALLATION_ID, deliveryId: randomUUID(), owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false };
}

const runIngest = (harness: AppHarness, data: IngestData) =>
  runQueuedJob({ id: randomUUID(), name: "ingest-workflow-run", data }, jobHandlers["ingest-workflow-run"], harness.runner);

describe.each(databaseBackends)("races on $name", (backend) => {
  async function setup(): Promise<AppHarness> {
    const { db, databaseUrl, cleanup } = await backend.open();
    const harness = await createAppHarness({ db, env: databaseUrl ? { DATABASE_URL: databaseUrl } : {} });
    cleanups.push(cleanup, async () => {
      harness.sim.assertNoViolations();
      await harness.close();
    });
    // Every answer a little late, so concurrent jobs overlap inside their GitHub work.
    harness.sim.injectFault({ route: "*", latencyMs: 5 });
    return harness;
  }

  it("concurrent redeliveries of one delivery enqueue one job, and the digest is filed once", async () => {
    const harness = await setup();
    const data = arrangeRun(harness, artifactFixture());
    const copies = 8;
    const outcomes = await Promise.all(
      Array.from({ length: copies }, () => enqueueWebhookJob({ db: harness.db, queue: harness.queue, event: "workflow_run", action: "completed", name: "ingest-workflow-run", data: { ...data, deliveryId: data.deliveryId! } })),
    );
    const drained = await drainQueuedJobs(harness, ["ingest-workflow-run"]);
    const enqueued = outcomes.filter((outcome) => outcome === "enqueued").length;
    const digests = digestsOf(harness);
    const checkRuns = harness.sim.checkRuns(HOME, { headSha: data.headSha });
    const duplicated = Math.max(0, enqueued - 1) + Math.max(0, digests.length - 1) + Math.max(0, checkRuns.length - 1);
    const lost = drained.filter((job) => job.error !== undefined).length + (digests.length === 0 ? 1 : 0);
    recordReliabilityFigures({
      scenario: `Races: concurrent redeliveries (${backend.name})`,
      tried: `${copies} copies of one workflow_run.completed delivery taken in at once`,
      cases: copies,
      lost,
      duplicated,
      leaked: 0,
      crashed: 0,
      notes: `${enqueued} job enqueued, ${drained.length} run`,
    });
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(copies - 1);
    expect(drained).toHaveLength(1);
    expect(duplicated).toBe(0);
    expect(lost).toBe(0);
    expect(checkRuns.map((run) => run.conclusion)).toEqual(["success"]);
  });

  it("concurrent runs for one audit_id file one digest showing the newest scan, and give each commit one verdict", async () => {
    const harness = await setup();
    // Five scans an hour apart, each finding a different pair: only the newest's pair stays open.
    const runs = Array.from({ length: 5 }, (_, index) =>
      arrangeRun(harness, artifactFixture({ generated_at: `2026-11-20T1${index}:00:00Z`, org_unregistered_hits: [finding(`kept`), finding(`scan-${index}`)] })),
    );
    const results = await Promise.allSettled(runs.map((data) => runIngest(harness, data)));
    const digests = digestsOf(harness);
    const open = (await storedFindings(harness)).filter((row) => row.status === "open").map((row) => row.path);
    const checkRunsPerCommit = runs.map((data) => harness.sim.checkRuns(HOME, { headSha: data.headSha }).length);
    const duplicated = Math.max(0, digests.length - 1) + checkRunsPerCommit.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const lost = results.filter((result) => result.status === "rejected").length + checkRunsPerCommit.filter((n) => n === 0).length;
    recordReliabilityFigures({
      scenario: `Races: concurrent runs for one audit_id (${backend.name})`,
      tried: `${runs.length} workflow runs of one audit_id, scanned an hour apart, ingested at once`,
      cases: runs.length,
      lost,
      duplicated,
      leaked: 0,
      crashed: 0,
      notes: `open findings at the end: ${open.join(", ")}`,
    });
    expect(duplicated).toBe(0);
    expect(lost).toBe(0);
    expect(digests).toHaveLength(1);
    expect(open).toEqual(["src/kept.ts", "src/scan-4.ts"]);
    const { rows } = await harness.db.query<{ last: string }>("SELECT to_char(last_generated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last FROM digests");
    expect(rows).toEqual([{ last: "2026-11-20T14:00:00Z" }]);
    expect(digests[0]!.body).toContain("src/scan-4.ts");
  });

  it("a command arriving while an ingest updates the same digest: both apply, once", async () => {
    const harness = await setup();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    await runIngest(harness, arrangeRun(harness, artifactFixture({ org_unregistered_hits: [finding("a"), finding("b")] })));
    const [digest] = digestsOf(harness);
    const target = (await storedFindings(harness)).find((row) => row.path === "src/a.ts")!;

    // A newer scan that also finds C, and `/audit fp` on A, at the same time.
    const newer = arrangeRun(harness, artifactFixture({ generated_at: "2026-11-21T10:00:00Z", org_unregistered_hits: [finding("a"), finding("b"), finding("c")] }));
    const [ingest, command] = await Promise.allSettled([runIngest(harness, newer), runCommand(harness, { issueNumber: digest!.number, body: `/audit fp ${target.fingerprint}` })]);

    const rows = await storedFindings(harness);
    const status = Object.fromEntries(rows.map((row) => [row.path, row.status]));
    const issue = harness.sim.issue(HOME, digest!.number)!;
    const replies = issue.comments.filter((comment) => comment.byApp && comment.body.includes("audit-digest:reply"));
    const announcements = issue.comments.filter((comment) => comment.byApp && comment.body.includes("audit-digest:comment"));
    const duplicated = Math.max(0, digestsOf(harness).length - 1) + Math.max(0, replies.length - 1) + Math.max(0, announcements.length - 1);
    const lost = [ingest, command].filter((result) => result.status === "rejected").length;
    recordReliabilityFigures({
      scenario: `Races: a command during an ingest (${backend.name})`,
      tried: "/audit fp on a finding while a newer scan of the same digest is ingested",
      cases: 2,
      lost,
      duplicated,
      leaked: 0,
      crashed: 0,
      notes: `finding states at the end: ${JSON.stringify(status)}`,
    });
    expect(duplicated).toBe(0);
    expect(lost).toBe(0);
    expect(status).toEqual({ "src/a.ts": "suppressed", "src/b.ts": "open", "src/c.ts": "open" });
    expect(replies).toHaveLength(1);
    // The body shows what the newest scan and the dismissal imply together: A under Suppressed, C open.
    const body = issue.body ?? "";
    expect(body.slice(body.indexOf("### Suppressed"))).toContain("src/a.ts");
    expect(body).toContain("src/c.ts");
  });
});
