import type { Database } from "../src/db/database.js";
import type { CheckRunView, GitHubSimulator, IssueView } from "../test/support/github-simulator/index.js";
import { webhookExample } from "../test/support/webhook-examples.js";
import { firstArtifact, secondArtifact } from "./demo-artifacts.js";
import { DEMO } from "./demo-world.js";
import { waitUntil } from "./wait-until.js";

export interface DemoScriptInput {
  sim: GitHubSimulator;
  /** The app's database, to read the fingerprint a maintainer would copy from the digest. */
  db: Database;
  /** The app's webhook URL and secret: deliveries are signed as GitHub signs them. */
  hookUrl: string;
  webhookSecret: string;
  hmacKeys: string;
  say: (line: string) => void;
}

export interface DemoOutcome {
  digest: IssueView;
  checkRuns: CheckRunView[];
}

const CHECK_NAME = "Audit ingest gate";
const FIRST_SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const SECOND_SHA = "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";

/**
 * What happens to a repository with the app installed, step by step, each step a signed
 * webhook built from GitHub's published examples: a pull request is opened, its CI run
 * uploads a signed artifact, a push fixes one finding and brings a new one, and a maintainer
 * asks `/audit status` and dismisses a finding with `/audit fp`.
 */
export async function runDemoScript({ sim, db, hookUrl, webhookSecret, hmacKeys, say }: DemoScriptInput): Promise<DemoOutcome> {
  const deliver = async (event: string, payload: Record<string, unknown>) => {
    const status = await sim.deliverWebhook({ url: hookUrl, secret: webhookSecret, event, payload });
    if (status !== 200) throw new Error(`the app answered ${status} to the ${event} webhook`);
  };
  const checkOf = (sha: string) => sim.checkRuns(DEMO.repo, { headSha: sha, name: CHECK_NAME })[0];
  const completedCheck = (sha: string) => waitUntil(`the check run of ${sha.slice(0, 7)} to complete`, () => {
    const check = checkOf(sha);
    return check?.status === "completed" ? check : undefined;
  });
  const digestIssue = () => sim.issues(DEMO.repo).find((issue) => issue.labels.includes("audit-digest") && issue.byApp);

  // 1. A pull request is opened: the gate check waits for the CI run's artifact.
  const pr = sim.createPullRequest({ repo: DEMO.repo, headSha: FIRST_SHA, title: "Add refunds", headRef: "refunds", author: DEMO.maintainer });
  await deliver("pull_request", pullRequestEvent(sim, { action: "opened", number: pr.number, headSha: FIRST_SHA }));
  const queued = await waitUntil("the queued gate check", () => checkOf(FIRST_SHA));
  say(`1. Pull request #${pr.number} "Add refunds" opened (head ${FIRST_SHA.slice(0, 7)}): check run "${queued.name}" ${queued.status}`);

  // 2. Its CI run completes with a signed artifact: the digest is filed, the check completed with annotations.
  const firstRun = sim.createWorkflowRun({
    repo: DEMO.repo,
    headSha: FIRST_SHA,
    headBranch: "refunds",
    event: "pull_request",
    artifacts: [{ name: "consumer-artifact", json: firstArtifact({ hmacKeys, generatedAt: new Date(Date.now() - 60_000) }) }],
  });
  await deliver("workflow_run", workflowRunCompleted(sim, firstRun.id));
  const firstCheck = await completedCheck(FIRST_SHA);
  const filed = await waitUntil("the digest issue", digestIssue);
  say(`2. Workflow run ${firstRun.id} completed with a signed artifact (3 findings): digest #${filed.number} "${filed.title}" filed`);
  say(`   check run ${describeCheck(firstCheck)}`);

  // 3. A push to the pull request fixes charge.ts and adds refund.ts: one finding resolved, one new.
  sim.updatePullRequestHead({ repo: DEMO.repo, number: pr.number, headSha: SECOND_SHA });
  await deliver("pull_request", pullRequestEvent(sim, { action: "synchronize", number: pr.number, headSha: SECOND_SHA }));
  const bodyBefore = filed.body;
  const secondRun = sim.createWorkflowRun({
    repo: DEMO.repo,
    headSha: SECOND_SHA,
    headBranch: "refunds",
    event: "pull_request",
    artifacts: [{ name: "consumer-artifact", json: secondArtifact({ hmacKeys, generatedAt: new Date() }) }],
  });
  await deliver("workflow_run", workflowRunCompleted(sim, secondRun.id));
  const secondCheck = await completedCheck(SECOND_SHA);
  const updated = await waitUntil("the digest to be updated", () => {
    const digest = digestIssue();
    return digest && digest.body !== bodyBefore ? digest : undefined;
  });
  say(`3. Push ${SECOND_SHA.slice(0, 7)}, workflow run ${secondRun.id}: src/payments/charge.ts fixed, src/orders/refund.ts new: digest #${updated.number} updated`);
  say(`   check run ${describeCheck(secondCheck)}`);
  for (const comment of updated.comments.filter((c) => c.byApp)) say(`   the app commented on #${updated.number}: ${firstLine(comment.body)}`);

  // 4. A maintainer asks for the status, then dismisses the logger finding as used in tests.
  const status = await command({ sim, deliver, issue: updated.number, body: "/audit status" });
  say(`4. @${DEMO.maintainer} commented "/audit status" on #${updated.number}: the app replied (${status.reactions.join(", ") || "no reaction"})`);
  for (const line of replyLines(status.reply)) say(`   > ${line}`);
  const { rows } = await db.query<{ fingerprint: string }>("SELECT fingerprint FROM digest_findings WHERE hit->>'pattern' = 'legacy-logger' LIMIT 1");
  const prefix = rows[0]?.fingerprint.slice(0, 12);
  if (prefix) {
    const fp = await command({ sim, deliver, issue: updated.number, body: `/audit fp ${prefix} --tests only the test logger uses it` });
    say(`5. @${DEMO.maintainer} commented "/audit fp ${prefix} --tests …": the app replied (${fp.reactions.join(", ") || "no reaction"})`);
    for (const line of replyLines(fp.reply)) say(`   > ${line}`);
  }

  const digest = digestIssue()!;
  return { digest, checkRuns: sim.checkRuns(DEMO.repo) };
}

/** `pull_request.<action>` for the demo's pull request, its head at `headSha` on the branch "refunds". */
function pullRequestEvent(sim: GitHubSimulator, { action, number, headSha }: { action: "opened" | "synchronize"; number: number; headSha: string }): Record<string, unknown> {
  const payload = webhookExample("pull_request", action, { installationId: DEMO.installationId });
  const repository = sim.json.repository(DEMO.repo);
  const example = payload.pull_request as Record<string, Record<string, unknown>>;
  payload.repository = repository;
  payload.number = number;
  payload.pull_request = {
    ...example,
    number,
    title: "Add refunds",
    head: { ...example.head, sha: headSha, ref: "refunds", repo: repository },
    base: { ...example.base, ref: "main", repo: repository },
  };
  return payload;
}

function workflowRunCompleted(sim: GitHubSimulator, runId: number): Record<string, unknown> {
  const payload = webhookExample("workflow_run", "completed", { installationId: DEMO.installationId });
  payload.repository = sim.json.repository(DEMO.repo);
  payload.workflow_run = sim.json.workflowRun(DEMO.repo, runId);
  return payload;
}

/** The maintainer comments `body`; GitHub sends `issue_comment.created`; the app's reply and reaction are awaited. */
async function command({
  sim,
  deliver,
  issue,
  body,
}: {
  sim: GitHubSimulator;
  deliver: (event: string, payload: Record<string, unknown>) => Promise<void>;
  issue: number;
  body: string;
}): Promise<{ reply: string; reactions: string[] }> {
  const repliesBefore = replies(sim, issue).length;
  const { id } = sim.addComment({ repo: DEMO.repo, issueNumber: issue, body, author: DEMO.maintainer });
  const payload = webhookExample("issue_comment", "created", { installationId: DEMO.installationId });
  payload.repository = sim.json.repository(DEMO.repo);
  payload.issue = sim.json.issue(DEMO.repo, issue);
  const comment = sim.json.comment(DEMO.repo, id);
  payload.comment = comment;
  payload.sender = comment.user;
  await deliver("issue_comment", payload);
  const reply = await waitUntil(`the reply to "${body}"`, () => replies(sim, issue)[repliesBefore]);
  const reactions = await waitUntil(`the reaction to "${body}"`, () => {
    const found = sim.issue(DEMO.repo, issue)?.comments.find((c) => c.id === id)?.reactions ?? [];
    return found.length > 0 ? found : undefined;
  });
  return { reply: reply.body, reactions };
}

function replies(sim: GitHubSimulator, issue: number) {
  return sim.issue(DEMO.repo, issue)?.comments.filter((c) => c.byApp && c.body.includes("audit-digest:reply")) ?? [];
}

function describeCheck(check: CheckRunView): string {
  const annotations = check.output.annotations.length;
  return `"${check.name}" on ${check.headSha.slice(0, 7)}: ${check.conclusion ?? check.status}, ${annotations} annotation${annotations === 1 ? "" : "s"} (${check.output.title ?? "no title"})`;
}

function firstLine(markdown: string): string {
  return markdown.split("\n").find((line) => line.trim() !== "" && !line.startsWith("<!--"))?.trim() ?? "";
}

/** The reply's text lines, without the quoted command and the app's marker. */
function replyLines(markdown: string): string[] {
  return markdown
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("<!--") && !line.startsWith(">"))
    .slice(0, 8);
}
