import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { throttledOctokit } from "../support/throttled-octokit.js";

const REPOSITORY = `${OWNER}/${REPO}`;
const SHA = "e".repeat(40);
let harness: AppHarness;
afterEach(async () => {
  await harness.close();
});

async function queuedIngests() {
  const { rows } = await harness.db.query<{ start_after: Date; data: { runId: number } }>(
    "SELECT start_after, data FROM pgboss.job WHERE name = 'ingest-workflow-run' AND state = 'created'",
  );
  return rows;
}

describe("GitHub API budget", () => {
  it("defers an ingest that runs out of budget to the reset time, and loses nothing", async () => {
    harness = await createAppHarness({ simOptions: { rateLimit: { limit: 4 } }, octokit: throttledOctokit });
    const run = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha: SHA, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture()) }] });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha: SHA, fromFork: false });

    expect(harness.sim.countRequests({ status: 403 })).toBe(1);
    const queued = await queuedIngests();
    expect(queued).toHaveLength(1);
    expect(queued[0]!.data.runId).toBe(run.id);
    const resetAt = harness.runner.rateLimits.get(1)!.resetAt;
    expect(Math.abs(new Date(queued[0]!.start_after).getTime() - resetAt.getTime())).toBeLessThan(2_000);
    const { rows } = await harness.db.query("SELECT 1 FROM ingests");
    expect(rows).toEqual([]);

    // Known to be spent: the next job is put back without asking GitHub at all.
    harness.sim.resetLog();
    await harness.runJob("prepare-check-run", { owner: OWNER, repo: REPO, headSha: SHA, pullNumber: 1 });
    expect(harness.sim.requests).toHaveLength(0);
    const { rows: prepared } = await harness.db.query("SELECT 1 FROM pgboss.job WHERE name = 'prepare-check-run' AND state = 'created'");
    expect(prepared).toHaveLength(1);
  });

  it("below rate.digest_only_below files the digest only, and says why in it", async () => {
    harness = await createAppHarness({ octokit: throttledOctokit });
    harness.sim.createRepository({ owner: OWNER, name: "web" });
    harness.sim.setFileContent({ repo: REPOSITORY, path: ".github/audit-digest.yml", content: 'digest:\n  producers: ["acme/*"]\nissues:\n  mode: per-repo\nrate:\n  digest_only_below: 4999\n' });
    const document = artifactFixture({
      org_unregistered_hits: [hit({ repo: "acme/app", path: "a.ts", line_number: 1, pattern: "p" }), hit({ repo: "acme/web", path: "b.ts", line_number: 2, pattern: "p" })],
    });
    const run = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha: SHA, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha: SHA, fromFork: false });

    const filed = [...harness.sim.issues(REPOSITORY), ...harness.sim.issues("acme/web")];
    expect(filed.map((issue) => issue.title)).toEqual(["Audit digest: org-audit"]);
    expect(filed[0]!.body).toContain("GitHub API budget is low");
    expect(filed[0]!.body).toContain("rate.digest_only_below is 4999");
  });
});
