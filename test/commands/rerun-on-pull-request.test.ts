import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { commandReplies, HOME, nextSha, reactionsOn, runCommand, runWaitingJobs } from "../support/command-world.js";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

/** A run of the pull request's head commit, ingested. */
async function ingestPullRequestRun(headSha: string, generatedAt = "2026-11-20T10:00:00Z") {
  const run = harness.sim.createWorkflowRun({
    repo: HOME,
    headSha,
    event: "pull_request",
    headBranch: "feature",
    artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ generated_at: generatedAt })) }],
  });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
}

const completedGates = (headSha: string) =>
  harness.sim.checkRuns(HOME, { headSha, name: "Audit ingest gate" }).filter((run) => run.status === "completed");

describe("/audit rerun on a pull request", () => {
  it("a writer's rerun re-runs the gate of the pull request's head commit: a new completed check run, as the Re-run ingest button gives", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const headSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha });
    await ingestPullRequestRun(headSha);
    expect(completedGates(headSha)).toHaveLength(1);

    const { commentId } = await runCommand(harness, { issueNumber: number, body: "/audit rerun" });
    expect(await runWaitingJobs(harness, "rerun-ingest")).toBe(1);

    const gates = completedGates(headSha);
    expect(gates).toHaveLength(2);
    expect(gates[1]!.conclusion).toBe("success");
    expect(gates[1]!.output.annotations.map((a) => a.path).sort()).toEqual(["src/log.ts", "src/pay.ts"]);
    expect(commandReplies(harness, number)[0]!.body).toContain(`The latest run of commit \`${headSha.slice(0, 12)}\` in \`${HOME}\` is being ingested again.`);
    expect(reactionsOn(harness, number, commentId)).toEqual(["+1"]);
  });

  it("after a push, the rerun takes the pull request's new head commit, read from GitHub", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "maintain" });
    const oldSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha: oldSha });
    await ingestPullRequestRun(oldSha);
    const newSha = nextSha();
    harness.sim.updatePullRequestHead({ repo: HOME, number, headSha: newSha });
    await ingestPullRequestRun(newSha, "2026-11-21T10:00:00Z");

    await runCommand(harness, { issueNumber: number, body: "/audit rerun" });
    await runWaitingJobs(harness, "rerun-ingest");

    expect(completedGates(newSha)).toHaveLength(2);
    expect(completedGates(oldSha)).toHaveLength(1);
  });

  it("with no run of the head commit ingested yet, the rerun says so and enqueues nothing", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const headSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha });

    const { commentId } = await runCommand(harness, { issueNumber: number, body: "/audit rerun" });

    expect(await runWaitingJobs(harness, "rerun-ingest")).toBe(0);
    expect(completedGates(headSha)).toEqual([]);
    expect(commandReplies(harness, number)[0]!.body).toContain("There is no ingested run to take in again yet");
    expect(reactionsOn(harness, number, commentId)).toEqual(["confused"]);
  });

  it("a reader's rerun is refused and re-runs nothing", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "rita", permission: "triage" });
    const headSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha });
    await ingestPullRequestRun(headSha);

    await runCommand(harness, { issueNumber: number, body: "/audit rerun", author: "rita" });

    expect(await runWaitingJobs(harness, "rerun-ingest")).toBe(0);
    expect(completedGates(headSha)).toHaveLength(1);
    expect(commandReplies(harness, number)[0]!.body).toContain("needs write, maintain or admin permission on `acme/app` (yours is `triage`)");
  });
});
