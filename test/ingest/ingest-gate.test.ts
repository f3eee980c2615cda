import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { isFromFork } from "../../src/ingest/is-from-fork.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import type { ArtifactRunFacts } from "../support/github-simulator/build-artifact-zip.js";
import { webhookExample } from "../support/webhook-examples.js";

const SHA = "b".repeat(40);
const REPOSITORY = `${OWNER}/${REPO}`;
let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

async function setup(env: Record<string, string> = {}, permissions?: Record<string, "read" | "write">) {
  harness = await createAppHarness({ env, ...(permissions ? { permissions } : {}) });
  return harness;
}

function workflowRun(artifact: Parameters<AppHarness["sim"]["createWorkflowRun"]>[0]["artifacts"], extra: { fork?: boolean } = {}) {
  return harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha: SHA, artifacts: artifact, ...extra });
}

async function ingest(runId: number, { fromFork = false, runAttempt = 1 } = {}) {
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId, runAttempt, headSha: SHA, fromFork });
}

function gate() {
  const runs = harness.sim.checkRuns(REPOSITORY, { headSha: SHA, name: "Audit ingest gate" });
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

async function ledger() {
  const { rows } = await harness.db.query<{ verdict: string; hit_count: number; audit_id: string | null; error: string | null }>(
    "SELECT verdict, hit_count, audit_id, error FROM ingests ORDER BY id",
  );
  return rows;
}

describe("ingest gate", () => {
  it("passes a valid signed artifact with counts by repository and severity, and annotates this repository's findings", async () => {
    await setup();
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);

    const check = gate();
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("3 findings in 2 repositories");
    expect(check.output.summary).toContain('signature valid (key "k1")');
    expect(check.output.summary).toContain("| `acme/app` | 0 | 1 | 0 | 1 |");
    expect(check.output.summary).toContain("| `acme/web` | 1 | 0 | 0 | 0 |");
    expect(check.output.annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ["src/pay.ts", 10, "failure"],
      ["src/log.ts", 3, "notice"],
    ]);
    expect(await ledger()).toEqual([{ verdict: "valid", hit_count: 3, audit_id: "org-audit", error: null }]);
  });

  it("verifies an artifact signed with the second listed key (rotation)", async () => {
    await setup();
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture(), { keyId: "k2" }) }]);
    await ingest(run.id);
    expect(gate().conclusion).toBe("success");
    expect(gate().output.summary).toContain('signature valid (key "k2")');
  });

  it("fails a tampered artifact and names the signature", async () => {
    await setup();
    const run = workflowRun([
      {
        name: "consumer-artifact",
        json: (facts: ArtifactRunFacts) => {
          const document = producedBy(artifactFixture())(facts);
          (document.org_unregistered_hits as Array<{ line_number: number }>)[0]!.line_number = 11;
          return document;
        },
      },
    ]);
    await ingest(run.id);
    const check = gate();
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Artifact signature rejected");
    expect(check.output.summary).toContain("signature mismatch");
    expect(await ledger()).toMatchObject([{ verdict: "signature_invalid" }]);
  });

  it("fails a schema error with the failing path in the check's text", async () => {
    await setup();
    const document = artifactFixture();
    (document.org_unregistered_hits as Array<Record<string, unknown>>)[1]!.line_number = "three";
    const run = workflowRun([{ name: "consumer-artifact", json: document }]);
    await ingest(run.id);
    const check = gate();
    expect(check.conclusion).toBe("failure");
    expect(check.output.text).toContain("`org_unregistered_hits[1].line_number`");
  });

  it("with signing keys configured, requires a signature from every run by default", async () => {
    await setup();
    const own = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture(), { sign: false }) }]);
    await ingest(own.id);
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.summary).toContain("signature missing: the artifact has no signature member, and policy requires one");
    expect(harness.sim.issues(REPOSITORY)).toEqual([]);
  });

  it("without keys, requires a signature on a fork's run (also a deleted fork's), and not on the repository's own", async () => {
    await setup({ AUDIT_HMAC_KEYS: "" });
    const forkRun = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture(), { sign: false }) }], { fork: true });
    await ingest(forkRun.id, { fromFork: true });
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.summary).toContain("signature missing");

    const ownSha = "d".repeat(40);
    const ownRun = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha: ownSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture(), { sign: false }) }] });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: ownRun.id, runAttempt: 1, headSha: ownSha, fromFork: false });
    const [own] = harness.sim.checkRuns(REPOSITORY, { headSha: ownSha });
    expect(own?.conclusion).toBe("success");
    expect(own?.output.summary).toContain("unsigned (not required for this run)");

    // A fork deleted since its run shows no head repository: it still counts as a fork, also for "Re-run ingest".
    const goneSha = "e".repeat(40);
    const gone = harness.sim.createWorkflowRun({
      repo: REPOSITORY,
      headSha: goneSha,
      fork: true,
      headRepositoryDeleted: true,
      artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture(), { sign: false }) }],
    });
    const event = webhookExample("workflow_run", "completed");
    event.workflow_run.head_repository = null;
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: gone.id, runAttempt: 1, headSha: goneSha, fromFork: isFromFork(event.workflow_run) });
    await harness.runJob("rerun-ingest", { owner: OWNER, repo: REPO, headSha: goneSha });
    const goneChecks = harness.sim.checkRuns(REPOSITORY, { headSha: goneSha });
    expect(goneChecks.map((c) => c.conclusion)).toEqual(["failure", "failure"]);
    expect(goneChecks.every((c) => c.output.summary?.includes("signature missing") === true)).toBe(true);
    expect(harness.sim.issues(REPOSITORY).filter((i) => i.labels.includes("audit-digest"))).toHaveLength(1);
  });

  it("refuses a zip holding ../evil.json, naming the entry", async () => {
    await setup();
    const zip = zipSync({ "../evil.json": strToU8("{}"), "consumer_artifact.json": strToU8(JSON.stringify(artifactFixture())) });
    const run = workflowRun([{ name: "consumer-artifact", zip }]);
    await ingest(run.id);
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.text).toContain("../evil.json");
  });

  it("refuses a zip bomb after inflating no more than the cap", async () => {
    await setup();
    const zeros = new Uint8Array(120 * 1024 * 1024);
    const zip = zipSync({ "consumer_artifact.json": zeros }, { level: 9 });
    expect(zip.byteLength).toBeLessThan(1024 * 1024);
    const run = workflowRun([{ name: "consumer-artifact", zip }]);
    const rssBefore = process.memoryUsage().rss;
    await ingest(run.id);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(60 * 1024 * 1024);
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.summary).toMatch(/max_compression_ratio|max_uncompressed_bytes|max_bytes/);
  });

  it("refuses an artifact larger than the configured limit, naming the limit", async () => {
    await setup();
    harness.sim.setFileContent({ repo: REPOSITORY, path: ".github/audit-digest.yml", content: "limits:\n  max_bytes: 2048\n" });
    const many = Array.from({ length: 60 }, (_, i) => hit({ repo: "acme/app", path: `f${i}.ts`, line_number: 1, pattern: "p" }));
    const run = workflowRun([{ name: "consumer-artifact", json: artifactFixture({ org_unregistered_hits: many }) }]);
    await ingest(run.id);
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.summary).toContain("max_bytes (2048 bytes)");
  });

  it("reports a bad config file as a failing check naming the file and field", async () => {
    await setup();
    harness.sim.setFileContent({ repo: REPOSITORY, path: ".github/audit-digest.yml", content: "artifact:\n  require_signature: sometimes\n" });
    const run = workflowRun([{ name: "consumer-artifact", json: artifactFixture() }]);
    await ingest(run.id);
    expect(gate().conclusion).toBe("failure");
    expect(gate().output.summary).toContain("acme/app:.github/audit-digest.yml");
    expect(gate().output.summary).toContain("artifact.require_signature");
  });

  it("falls back to the organisation's .github repository for its config", async () => {
    await setup();
    harness.sim.createRepository({ owner: OWNER, name: ".github" });
    harness.sim.setFileContent({ repo: `${OWNER}/.github`, path: ".github/audit-digest.yml", content: "artifact:\n  name: org-audit-results\n" });
    const run = workflowRun([{ name: "org-audit-results", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);
    expect(gate().conclusion).toBe("success");

    harness.sim.setFileContent({ repo: `${OWNER}/.github`, path: ".github/audit-digest.yml", content: "artifact:\n  nmae: typo\n" });
    const second = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha: "1".repeat(40), artifacts: [{ name: "consumer-artifact", json: artifactFixture() }] });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: second.id, runAttempt: 1, headSha: "1".repeat(40), fromFork: false });
    const [check] = harness.sim.checkRuns(REPOSITORY, { headSha: "1".repeat(40) });
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.summary).toContain("acme/.github:.github/audit-digest.yml");
    expect(check?.output.summary).toContain("artifact.nmae: unknown option");
  });

  it("reports a run without the artifact on a waiting check and an expired artifact as neutral, without retrying", async () => {
    await setup();
    const none = workflowRun([{ name: "other-artifact", json: {} }]);
    await ingest(none.id);
    // No pull request asked for the gate on this commit: no check run is added.
    expect(harness.sim.checkRuns(REPOSITORY, { headSha: SHA })).toEqual([]);

    await harness.runJob("prepare-check-run", { owner: OWNER, repo: REPO, headSha: SHA, pullNumber: 3 });
    const again = workflowRun([{ name: "other-artifact", json: {} }]);
    await ingest(again.id);
    expect(gate().conclusion).toBe("neutral");
    expect(gate().output.title).toBe("No audit artifact");

    const expired = harness.sim.createWorkflowRun({
      repo: REPOSITORY,
      headSha: "c".repeat(40),
      artifacts: [{ name: "consumer-artifact", json: artifactFixture(), expired: true }],
    });
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: expired.id, runAttempt: 1, headSha: "c".repeat(40), fromFork: false });
    const [check] = harness.sim.checkRuns(REPOSITORY, { headSha: "c".repeat(40) });
    expect(check?.conclusion).toBe("neutral");
    expect(check?.output.title).toBe("Audit artifact expired");
    expect((await ledger()).map((r) => r.verdict)).toEqual(["missing", "missing", "expired"]);
  });

  it("keeps the verdict when another workflow of the same commit finishes without the artifact", async () => {
    await setup();
    const audit = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(audit.id);
    const lint = workflowRun([{ name: "lint-report", json: {} }]);
    await ingest(lint.id);
    const check = gate();
    expect(check.conclusion).toBe("success");
    expect(check.updates).toBe(0);
    expect((await ledger()).map((r) => r.verdict)).toEqual(["valid", "missing"]);
  });

  it("does nothing for the same run attempt ingested twice (a redelivered workflow_run)", async () => {
    await setup();
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);
    const writes = harness.sim.writes().length;
    const requests = harness.sim.requests.length;
    await ingest(run.id);
    expect(harness.sim.writes()).toHaveLength(writes);
    expect(harness.sim.requests).toHaveLength(requests);
    expect(await ledger()).toHaveLength(1);
  });

  it("completes the check a pull request queued, by id, and concurrent deliveries queue only one", async () => {
    await setup();
    const pr = { owner: OWNER, repo: REPO, headSha: SHA, pullNumber: 7 };
    await Promise.all([harness.runJob("prepare-check-run", pr), harness.runJob("prepare-check-run", pr), harness.runJob("prepare-check-run", pr)]);
    const queued = gate();
    expect(queued.status).toBe("queued");
    expect(queued.actions.map((a) => a.identifier)).toEqual(["rerun-ingest"]);

    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);
    expect(gate().id).toBe(queued.id);
    expect(gate().conclusion).toBe("success");
  });

  it("sends more than 50 annotations 50 per request, capped in total", async () => {
    await setup();
    const many = Array.from({ length: 620 }, (_, i) => hit({ repo: "acme/app", path: `src/f${i}.ts`, line_number: i + 1, pattern: "p" }));
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture({ org_unregistered_hits: many })) }]);
    await ingest(run.id);
    const check = gate();
    expect(check.output.annotations).toHaveLength(500);
    expect(check.output.summary).toContain("500 findings in this repository are annotated; 120 more are not");
    // Created with its verdict and the first 50, then 50 more per update.
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/check-runs" })).toBe(1);
    expect(harness.sim.countRequests({ route: "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}" })).toBe(9);
  });

  it("still gives the verdict, saying why, when the app may not file issues", async () => {
    await setup({}, { actions: "read", checks: "write", contents: "read", metadata: "read" });
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);
    const check = gate();
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("**No digest was filed**: the app may not create issues in acme/app (403 Resource not accessible by integration). Grant *Issues: write* to the app or enable issues; the findings are kept, redacted, as fallback record 1 until");
    expect(harness.sim.issues(REPOSITORY)).toEqual([]);
    expect(await ledger()).toMatchObject([{ verdict: "valid" }]);
  });

  it("re-runs the ingest when asked, on a new check run", async () => {
    await setup();
    const run = workflowRun([{ name: "consumer-artifact", json: producedBy(artifactFixture()) }]);
    await ingest(run.id);
    await harness.runJob("rerun-ingest", { owner: OWNER, repo: REPO, headSha: SHA });
    const runs = harness.sim.checkRuns(REPOSITORY, { headSha: SHA });
    expect(runs.map((r) => [r.status, r.conclusion])).toEqual([
      ["completed", "success"],
      ["completed", "success"],
    ]);
  });
});
