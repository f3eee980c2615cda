import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";

const HOME = `${OWNER}/${REPO}`;
const CREATE_ISSUE = "POST /repos/{owner}/{repo}/issues";
const CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE_CHECK_RUN = "POST /repos/{owner}/{repo}/check-runs";
const UPDATE_CHECK_RUN = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

let shaCounter = 0;
/** A new commit's run in the home uploads the artifact (signed, naming its run), and it is ingested once. */
async function ingest(document: Record<string, unknown>, headSha = (++shaCounter).toString(16).padStart(40, "0")) {
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  return headSha;
}

const digests = (repo = HOME) => harness.sim.issues(repo).filter((issue) => issue.labels.includes("audit-digest"));
const statuses = (route: string) => harness.sim.requests.filter((r) => r.route === route).map((r) => r.status);

describe("a create GitHub carried out before answering 502 is found, not repeated", () => {
  it("the digest issue: one issue, found by label and marker after the failed create", async () => {
    harness = await createAppHarness();
    harness.sim.injectFault({ route: CREATE_ISSUE, status: 502, afterWrite: true, times: 1 });
    await ingest(artifactFixture());
    expect(statuses(CREATE_ISSUE)).toEqual([502]);
    expect(digests()).toHaveLength(1);
    const { rows } = await harness.db.query<{ issue_number: number }>("SELECT issue_number FROM digests");
    expect(rows).toEqual([{ issue_number: digests()[0]!.number }]);
  });

  it("the gate's verdict check run: one check run, found by its external_id", async () => {
    harness = await createAppHarness();
    harness.sim.injectFault({ route: CREATE_CHECK_RUN, status: 502, afterWrite: true, times: 1 });
    const headSha = await ingest(artifactFixture());
    expect(statuses(CREATE_CHECK_RUN)).toEqual([502]);
    const runs = harness.sim.checkRuns(HOME, { headSha });
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "success"]]);
    expect(runs[0]!.externalId).toMatch(new RegExp(`^audit-digest:${headSha}:[0-9a-f]{16}$`));
  });

  it("a pull request's queued check run: one check run, then completed by the ingest", async () => {
    harness = await createAppHarness();
    const headSha = "c".repeat(40);
    harness.sim.injectFault({ route: CREATE_CHECK_RUN, status: 504, afterWrite: true, times: 1 });
    await harness.runJob("prepare-check-run", { owner: OWNER, repo: REPO, headSha, pullNumber: 7 });
    expect(statuses(CREATE_CHECK_RUN)).toEqual([504]);
    expect(harness.sim.checkRuns(HOME, { headSha }).map((run) => [run.status, run.externalId])).toEqual([["queued", `audit-digest:${headSha}:queued`]]);
    await ingest(artifactFixture(), headSha);
    expect(harness.sim.checkRuns(HOME, { headSha }).map((run) => run.conclusion)).toEqual(["success"]);
  });

  it("the comment announcing new findings: one comment, found by its marker", async () => {
    harness = await createAppHarness();
    await ingest(artifactFixture());
    harness.sim.injectFault({ route: CREATE_COMMENT, status: 502, afterWrite: true, times: 1 });
    const more = [...(artifactFixture().org_unregistered_hits as unknown[]), hit({ repo: "acme/app", path: "src/new.ts", line_number: 1, pattern: "vault" })];
    await ingest(artifactFixture({ generated_at: "2026-11-21T10:00:00Z", org_unregistered_hits: more }));
    expect(statuses(CREATE_COMMENT)).toEqual([502]);
    expect(digests()[0]!.comments.filter((comment) => comment.byApp)).toHaveLength(1);
    const { rows } = await harness.db.query<{ pending: boolean }>("SELECT pending_comment IS NOT NULL AS pending FROM digests");
    expect(rows).toEqual([{ pending: false }]);
  });

  it("a per-repository issue: one issue in that repository", async () => {
    harness = await createAppHarness();
    harness.sim.setFileContent({ repo: HOME, path: ".github/audit-digest.yml", content: 'digest:\n  producers: ["acme/*"]\nissues:\n  mode: per-repo\n' });
    harness.sim.createRepository({ owner: OWNER, name: "web" });
    harness.sim.injectFault({ route: CREATE_ISSUE, status: 502, afterWrite: true, times: 1 });
    await ingest(artifactFixture());
    // The first create is the digest's (502 after it was filed), then acme/app's and acme/web's issues.
    expect(statuses(CREATE_ISSUE)).toEqual([502, 201, 201]);
    expect(digests()).toHaveLength(2);
    expect(digests("acme/web")).toHaveLength(1);
  });

  it("an annotation batch: a check run update that carried it before its 502 is not sent again", async () => {
    harness = await createAppHarness();
    const hits = Array.from({ length: 120 }, (_, index) => hit({ repo: "acme/app", path: `src/f${index}.ts`, line_number: 1, pattern: "logger" }));
    // The create carries the first 50 annotations, the updates the next 50 and the last 20.
    harness.sim.injectFault({ route: UPDATE_CHECK_RUN, status: 502, afterWrite: true, times: 1 });
    const headSha = await ingest(artifactFixture({ org_unregistered_hits: hits }));
    expect(statuses(UPDATE_CHECK_RUN)).toEqual([502, 200]);
    const [run] = harness.sim.checkRuns(HOME, { headSha });
    const paths = run!.output.annotations.map((annotation) => annotation.path);
    expect(paths).toHaveLength(120);
    expect(new Set(paths)).toEqual(new Set(hits.map((one) => one.path)));
  });
});
