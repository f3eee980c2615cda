import type { Context } from "probot";
import { auditCommandRoute } from "../../src/commands/audit-command-route.js";
import { jobHandlers } from "../../src/job-handlers.js";
import type { JobHandler } from "../../src/jobs/job-handler.js";
import type { JobData, JobName } from "../../src/jobs/job-payloads.js";
import { JOB_KIND_FIELD } from "../../src/jobs/job-queue.js";
import { runQueuedJob } from "../../src/jobs/run-queued-job.js";
import { INSTALLATION_ID, OWNER, REPO, type AppHarness } from "./app-harness.js";
import { artifactFixture, producedBy } from "./artifact-fixtures.js";
import type { ArtifactRunFacts } from "./github-simulator/build-artifact-zip.js";
import { webhookExample } from "./webhook-examples.js";

/** The test repository, home of the digest. */
export const HOME = `${OWNER}/${REPO}`;

let shaCounter = 0;
/** A fresh commit SHA for each run a test arranges. */
export function nextSha(): string {
  return (0xd000 + ++shaCounter).toString(16).padStart(40, "0");
}

/**
 * Ingests a run of `repo` (default the home) carrying `json` (default the signed fixture
 * artifact) and returns the digest issue of the home with the run's head commit.
 */
export async function ingestArtifact(
  harness: AppHarness,
  { json = producedBy(artifactFixture()), headSha = nextSha() }: { json?: (run: ArtifactRunFacts) => Record<string, unknown>; headSha?: string } = {},
) {
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  const digest = harness.sim.issues(HOME).find((issue) => issue.labels.includes("audit-digest"));
  if (!digest) throw new Error("no digest filed");
  return { digest, headSha, runId: run.id };
}

/** The findings the database holds for the digest, by path. */
export async function storedFindings(harness: AppHarness): Promise<Array<{ fingerprint: string; status: string; path: string; repo: string }>> {
  const { rows } = await harness.db.query<{ fingerprint: string; status: string; path: string; repo: string }>(
    "SELECT fingerprint, status, hit->>'path' AS path, hit->>'repo' AS repo FROM digest_findings ORDER BY hit->>'path'",
  );
  return rows;
}

/** The `issue_comment.created` webhook GitHub sends for a comment in the simulator. */
export function commentEvent(harness: AppHarness, repository: string, issueNumber: number, commentId: number): Context<"issue_comment.created"> {
  const payload = webhookExample("issue_comment", "created", { installationId: INSTALLATION_ID });
  payload.repository = harness.sim.json.repository(repository);
  payload.issue = harness.sim.json.issue(repository, issueNumber);
  payload.comment = harness.sim.json.comment(repository, commentId);
  payload.sender = payload.comment.user;
  return { payload } as unknown as Context<"issue_comment.created">;
}

/**
 * Comments `body` as `author` on an issue or pull request of `repository` (default the home)
 * and runs the job the app's webhook route makes of it.
 */
export async function runCommand(
  harness: AppHarness,
  {
    issueNumber,
    body,
    author = "maria",
    byApp = false,
    repository = HOME,
  }: { issueNumber: number; body: string; author?: string; byApp?: boolean; repository?: string },
): Promise<{ commentId: number; data: JobData<"audit-command"> | null }> {
  const { id } = harness.sim.addComment({ repo: repository, issueNumber, body, author, byApp });
  const data = auditCommandRoute.toJob(commentEvent(harness, repository, issueNumber, id)) as JobData<"audit-command"> | null;
  if (data !== null) await harness.runJob("audit-command", data);
  return { commentId: id, data };
}

/** The app's command replies on an issue or pull request, oldest first. */
export function commandReplies(harness: AppHarness, issueNumber: number, repository = HOME) {
  return harness.sim.issue(repository, issueNumber)!.comments.filter((c) => c.byApp && c.body.includes("audit-digest:reply"));
}

/** The reactions on a comment. */
export function reactionsOn(harness: AppHarness, issueNumber: number, commentId: number, repository = HOME): string[] {
  return harness.sim.issue(repository, issueNumber)!.comments.find((c) => c.id === commentId)!.reactions;
}

/**
 * Runs the jobs of `name` waiting in the queue, as a worker takes them (their own id and data,
 * delivery id included), and returns how many ran.
 */
export async function runWaitingJobs<N extends JobName>(harness: AppHarness, name: N): Promise<number> {
  const { rows } = await harness.db.query<{ id: string; data: JobData<N> }>(
    "SELECT id, data FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY created_on",
    [name],
  );
  for (const row of rows) {
    const { [JOB_KIND_FIELD]: _kind, ...data } = row.data as JobData<N> & { [JOB_KIND_FIELD]?: string };
    await runQueuedJob({ id: row.id, name, data: data as JobData<N> }, jobHandlers[name] as JobHandler<N>, harness.runner);
  }
  return rows.length;
}
