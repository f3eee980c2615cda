import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { HOME, ingestArtifact, runCommand, storedFindings } from "../support/command-world.js";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

const later = (hour: number) => producedBy(artifactFixture({ generated_at: `2026-11-21T${String(hour).padStart(2, "0")}:00:00Z` }));

/** The completed gate check run of a commit, as GitHub holds it. */
function gateOf(headSha: string) {
  const runs = harness.sim.checkRuns(HOME, { headSha, name: "Audit ingest gate" }).filter((run) => run.status === "completed");
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

const annotatedPaths = (headSha: string) => gateOf(headSha).output.annotations.map((a) => a.path).sort();

describe("suppressed findings and the next ingest's annotations", () => {
  it("a finding dismissed by command is not annotated by the next ingest, and the summary says why one is missing", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const first = await ingestArtifact(harness);
    expect(annotatedPaths(first.headSha)).toEqual(["src/log.ts", "src/pay.ts"]);
    const logger = (await storedFindings(harness)).find((f) => f.path === "src/log.ts")!;

    await runCommand(harness, { issueNumber: first.digest.number, body: `/audit fp ${logger.fingerprint.slice(0, 8)}` });
    const next = await ingestArtifact(harness, { json: later(10) });

    expect(annotatedPaths(next.headSha)).toEqual(["src/pay.ts"]);
    expect(gateOf(next.headSha).output.summary).toContain(
      "1 finding is not annotated because the digest suppresses it (dismissed or muted by an `/audit` command, or in the configuration's suppressions).",
    );
  });

  it("a muted pattern and a configured suppression leave no annotation; unmuting brings the pattern's back", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    harness.sim.setFileContent({
      repo: HOME,
      path: ".github/audit-digest.yml",
      content: "suppressions:\n  - path: src/log.ts\n    reason: generated logger\n",
    });
    const first = await ingestArtifact(harness);
    expect(annotatedPaths(first.headSha)).toEqual(["src/pay.ts"]);

    await runCommand(harness, { issueNumber: first.digest.number, body: "/audit mute payments-api" });
    const muted = await ingestArtifact(harness, { json: later(10) });
    expect(gateOf(muted.headSha).output.annotations).toEqual([]);
    expect(gateOf(muted.headSha).output.summary).toContain("2 findings are not annotated because the digest suppresses them");

    await runCommand(harness, { issueNumber: first.digest.number, body: "/audit unmute payments-api" });
    const unmuted = await ingestArtifact(harness, { json: later(11) });
    expect(annotatedPaths(unmuted.headSha)).toEqual(["src/pay.ts"]);
  });

  it("a re-run of the same artifact after a dismissal annotates without the dismissed finding", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const first = await ingestArtifact(harness);
    const pay = (await storedFindings(harness)).find((f) => f.path === "src/pay.ts")!;
    await runCommand(harness, { issueNumber: first.digest.number, body: `/audit wontfix ${pay.fingerprint}` });

    await harness.runJob("rerun-ingest", { owner: OWNER, repo: REPO, headSha: first.headSha });

    const completed = harness.sim.checkRuns(HOME, { headSha: first.headSha, name: "Audit ingest gate" }).filter((run) => run.status === "completed");
    expect(completed).toHaveLength(2);
    expect(completed.at(-1)!.output.annotations.map((a) => a.path)).toEqual(["src/log.ts"]);
  });
});
