import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { commandReplies, HOME, nextSha, runCommand } from "../support/command-world.js";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

async function ingestHead(headSha: string, document: Record<string, unknown>) {
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, event: "pull_request", artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
}

const pending = async () =>
  (await harness.db.query<{ id: string; audit_id: string }>("SELECT id::text AS id, audit_id FROM fallback_records WHERE status = 'pending' ORDER BY id")).rows;

describe("/audit status and fallback records", () => {
  it("lists the audit's pending fallback records with what to do, and only this audit's", async () => {
    harness = await createAppHarness();
    harness.sim.updateRepository({ repo: HOME, hasIssues: false });
    const headSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha });
    await ingestHead(nextSha(), artifactFixture({ audit_id: "other-audit" }));
    await ingestHead(headSha, artifactFixture());
    const records = await pending();
    expect(records.map((r) => r.audit_id)).toEqual(["other-audit", "org-audit"]);
    const own = records.find((r) => r.audit_id === "org-audit")!;

    await runCommand(harness, { issueNumber: number, body: "/audit status", author: "stranger" });

    const status = commandReplies(harness, number)[0]!.body;
    expect(status).toContain("**Audit status** for `org-audit`");
    expect(status).toContain("- Pending fallback records: 1 (no digest could be filed; the findings wait, redacted)");
    expect(status).toContain(
      `  - for \`acme/app\`, commit \`${headSha.slice(0, 12)}\`: issues are disabled in acme/app (410 Issues are disabled for this repo). Enable issues in acme/app; the findings are kept, redacted, as fallback record ${own.id} until `,
    );
    expect(status.match(/fallback record \d+/g)).toEqual([`fallback record ${own.id}`]);
  });

  it("says none once the digest is filed and the record superseded", async () => {
    harness = await createAppHarness();
    harness.sim.updateRepository({ repo: HOME, hasIssues: false });
    const firstSha = nextSha();
    await ingestHead(firstSha, artifactFixture());
    expect(await pending()).toHaveLength(1);
    harness.sim.updateRepository({ repo: HOME, hasIssues: true });
    const headSha = nextSha();
    const { number } = harness.sim.createPullRequest({ repo: HOME, headSha });
    await ingestHead(headSha, artifactFixture({ generated_at: "2026-11-21T10:00:00Z" }));
    expect(await pending()).toEqual([]);

    await runCommand(harness, { issueNumber: number, body: "/audit status" });

    const status = commandReplies(harness, number)[0]!.body;
    expect(status).toContain("- Pending fallback records: none");
    expect(status).not.toContain("fallback record ");
  });
});
