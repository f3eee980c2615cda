import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy, signed } from "../support/artifact-fixtures.js";
import type { ArtifactRunFacts } from "../support/github-simulator/build-artifact-zip.js";

const HOME = `${OWNER}/${REPO}`;
const OTHER = `${OWNER}/other`;
const CONFIG = ".github/audit-digest.yml";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

async function setup(env: Record<string, string> = {}) {
  harness = await createAppHarness({ env });
  harness.sim.createRepository({ owner: OWNER, name: "other" });
  return harness;
}

let shaCounter = 0;
/** A completed run of `repository` uploading `json`, then the ingest job a webhook would enqueue for it. */
async function runIn(repository: string, json: unknown, { fromFork = false } = {}) {
  const headSha = (0xa000 + ++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: repository, headSha, artifacts: [{ name: "consumer-artifact", json }], ...(fromFork ? { fork: true } : {}) });
  const [owner, repo] = repository.split("/") as [string, string];
  await harness.runJob("ingest-workflow-run", { owner, repo, runId: run.id, runAttempt: 1, headSha, fromFork });
  const [check] = harness.sim.checkRuns(repository, { headSha });
  return { runId: run.id, headSha, check: check! };
}

const digestsIn = (repository: string) => harness.sim.issues(repository).filter((issue) => issue.labels.includes("audit-digest"));
const writesTo = (repository: string) => harness.sim.writes().filter((r) => r.path.startsWith(`/repos/${repository}/issues`) || r.path.startsWith(`/repos/${repository}/labels`));

describe("who may write a digest", () => {
  it("another repository's run with the same audit_id and no findings leaves the home's digest open and untouched", async () => {
    await setup();
    await runIn(HOME, producedBy(artifactFixture()));
    const [digest] = digestsIn(HOME);
    const before = { state: digest!.state, body: digest!.body, comments: digest!.comments.length };
    harness.sim.resetLog();

    const { check } = await runIn(OTHER, producedBy(artifactFixture({ generated_at: "2026-11-25T10:00:00Z", org_unregistered_hits: [] })));
    expect(check.conclusion).toBe("success");
    const [after] = digestsIn(HOME);
    expect({ state: after!.state, body: after!.body, comments: after!.comments.length }).toEqual(before);
    expect(writesTo(HOME)).toEqual([]);
    // acme/other has a digest of its own for the audit_id: nothing open, so nothing filed.
    expect(digestsIn(OTHER)).toEqual([]);
  });

  it("a run whose config points digest.repository at a home that does not list it is refused, naming the rule and the key that would allow it", async () => {
    await setup();
    await runIn(HOME, producedBy(artifactFixture()));
    const [digest] = digestsIn(HOME);
    harness.sim.setFileContent({ repo: OTHER, path: CONFIG, content: `digest:\n  repository: ${HOME}\n` });
    harness.sim.resetLog();

    const { check } = await runIn(OTHER, producedBy(artifactFixture({ generated_at: "2026-11-25T10:00:00Z", org_unregistered_hits: [] })));
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Ingest refused: this run may not write that digest");
    expect(check.output.summary).toContain(`${OTHER} may not write the digests of ${HOME}: ${HOME}:${CONFIG} does not list it in digest.producers`);
    expect(check.output.summary).toContain("**Rule:** a digest lives in its home repository");
    expect(check.output.summary).toContain(`add "${OTHER}" (or a pattern such as "acme/*") to digest.producers in ${HOME}'s .github/audit-digest.yml`);
    expect(writesTo(HOME)).toEqual([]);
    expect(digestsIn(HOME)).toEqual([digest]);
    // Refused before the artifact was even downloaded.
    expect(harness.sim.countRequests({ route: "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}" })).toBe(0);
    const { rows } = await harness.db.query<{ verdict: string; error: string }>("SELECT verdict, error FROM ingests WHERE repository = $1", [OTHER]);
    expect(rows).toEqual([{ verdict: "refused", error: `${OTHER} may not write the digests of ${HOME}: ${HOME}:${CONFIG} does not list it in digest.producers` }]);
  });

  it("cannot create, change, close or reopen a digest it does not own; once listed in digest.producers it can", async () => {
    await setup();
    harness.sim.setFileContent({ repo: OTHER, path: CONFIG, content: `digest:\n  repository: ${HOME}\n` });
    // Create: refused, nothing filed.
    expect((await runIn(OTHER, producedBy(artifactFixture()))).check.conclusion).toBe("failure");
    expect(digestsIn(HOME)).toEqual([]);

    // The home's owner files it and a person closes it; a foreign run cannot reopen it with new findings.
    await runIn(HOME, producedBy(artifactFixture()));
    const number = digestsIn(HOME)[0]!.number;
    harness.sim.closeIssueAsUser({ repo: HOME, issueNumber: number, username: "maintainer" });
    const withNew = artifactFixture({
      generated_at: "2026-11-26T10:00:00Z",
      org_unregistered_hits: [...(artifactFixture().org_unregistered_hits as unknown[]), hit({ repo: OTHER, path: "x.ts", line_number: 1, pattern: "vault" })],
    });
    expect((await runIn(OTHER, producedBy(withNew))).check.conclusion).toBe("failure");
    expect(digestsIn(HOME)[0]!.state).toBe("closed");

    // The home lists the producer: the same run now changes (reopens) the digest.
    harness.sim.setFileContent({ repo: HOME, path: CONFIG, content: `digest:\n  producers: ["${OTHER}"]\n` });
    const allowed = await runIn(OTHER, producedBy(withNew));
    expect(allowed.check.conclusion).toBe("success");
    const [reopened] = digestsIn(HOME);
    expect(reopened!.state).toBe("open");
    expect(reopened!.body).toContain("x.ts");
    expect(reopened!.comments.at(-1)!.body).toContain("Reopening this digest");
  });

  it("a digest.repository outside the installation's account is refused without a request there", async () => {
    await setup();
    harness.sim.setFileContent({ repo: OTHER, path: CONFIG, content: "digest:\n  repository: evil/collector\n" });
    const { check } = await runIn(OTHER, producedBy(artifactFixture()));
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("names evil/collector, which is outside this installation's account (acme)");
    expect(harness.sim.requests.filter((r) => r.path.startsWith("/repos/evil/"))).toEqual([]);
  });

  it("the organisation's .github config can list producers for a central home", async () => {
    await setup();
    harness.sim.createRepository({ owner: OWNER, name: ".github" });
    harness.sim.createRepository({ owner: OWNER, name: "security" });
    harness.sim.setFileContent({
      repo: `${OWNER}/.github`,
      path: CONFIG,
      content: `digest:\n  repository: ${OWNER}/security\n  producers: ["${OWNER}/*"]\n`,
    });
    const { check } = await runIn(OTHER, producedBy(artifactFixture()));
    expect(check.conclusion).toBe("success");
    expect(digestsIn(`${OWNER}/security`)).toHaveLength(1);
    expect(digestsIn(OTHER)).toEqual([]);
  });
});

describe("an artifact is bound to its run", () => {
  it("refuses generated_at more than five minutes ahead, so a later real scan is not frozen out", async () => {
    await setup();
    const future = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();
    const { check } = await runIn(HOME, producedBy(artifactFixture({ generated_at: future })));
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`generated_at` is in the future");
    expect(check.output.summary).toContain("at most 5 minutes of clock skew is accepted");
    expect(digestsIn(HOME)).toEqual([]);

    const now = await runIn(HOME, producedBy(artifactFixture({ generated_at: new Date().toISOString() })));
    expect(now.check.conclusion).toBe("success");
    expect(digestsIn(HOME)).toHaveLength(1);
  });

  it("refuses a signed artifact replayed from another run, commit or repository, naming the field", async () => {
    await setup();
    const original = await runIn(HOME, producedBy(artifactFixture()));
    const copy = producedBy(artifactFixture())({ repository: HOME, runId: original.runId, headSha: original.headSha });

    const replayed = await runIn(HOME, copy);
    expect(replayed.check.conclusion).toBe("failure");
    expect(replayed.check.output.summary).toContain("`source.sha` names another commit than the run's head");
    expect(replayed.check.output.text).toContain("`source.run_id`: names another workflow run than the one it was downloaded from");

    harness.sim.setFileContent({ repo: HOME, path: CONFIG, content: `digest:\n  producers: ["${OTHER}"]\n` });
    harness.sim.setFileContent({ repo: OTHER, path: CONFIG, content: `digest:\n  repository: ${HOME}\n` });
    const elsewhere = await runIn(OTHER, copy);
    expect(elsewhere.check.conclusion).toBe("failure");
    expect(elsewhere.check.output.text).toContain("`source.repository`: names another repository than the run's (acme/other)");
    expect(digestsIn(HOME)).toHaveLength(1);
  });

  it("refuses a signed artifact that names no run where a signature is required", async () => {
    await setup();
    const unbound = (facts: ArtifactRunFacts) => {
      void facts;
      const { source: _source, ...rest } = artifactFixture();
      return signed(rest);
    };
    const { check } = await runIn(HOME, unbound);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`source` is required: this run must be signed, and a signed artifact must name the run it comes from");
  });
});

describe("correctness under retries", () => {
  it("a new-findings comment whose post failed is posted by the retry, once", async () => {
    await setup();
    await runIn(HOME, producedBy(artifactFixture()));
    const withNew = artifactFixture({
      generated_at: "2026-11-21T10:00:00Z",
      org_unregistered_hits: [...(artifactFixture().org_unregistered_hits as unknown[]), hit({ repo: HOME, path: "new.ts", line_number: 1, pattern: "vault" })],
    });
    const fault = harness.sim.injectFault({ route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", status: 422, times: 1 });
    const headSha = "c0".repeat(20);
    const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(withNew) }] });
    const job = { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false };
    await expect(harness.runJob("ingest-workflow-run", job)).rejects.toThrow();
    expect(fault.fired).toBe(1);
    expect(digestsIn(HOME)[0]!.comments).toEqual([]);

    await harness.runJob("ingest-workflow-run", job);
    const comments = digestsIn(HOME)[0]!.comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("**1 new finding** since the last update");
    const { rows } = await harness.db.query<{ pending_comment: unknown }>("SELECT pending_comment FROM digests");
    expect(rows).toEqual([{ pending_comment: null }]);
  });

  it("an owed comment already posted before a crash is not posted again", async () => {
    await setup();
    const first = await runIn(HOME, producedBy(artifactFixture()));
    await runIn(HOME, producedBy(artifactFixture({ generated_at: "2026-11-22T10:00:00Z", org_unregistered_hits: [] })));
    const [digest] = digestsIn(HOME);
    expect(digest!.state).toBe("closed");
    const posted = digest!.comments.at(-1)!.body;
    const marker = /<!-- audit-digest:comment [^>]* -->/.exec(posted)![0];
    // The process died after posting and before clearing the debt.
    await harness.db.query("UPDATE digests SET pending_comment = $1::jsonb", [JSON.stringify({ marker, body: posted, savedAt: new Date().toISOString() })]);
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: first.runId, runAttempt: 2, headSha: first.headSha, fromFork: false });
    expect(digestsIn(HOME)[0]!.comments.filter((c) => c.body.includes(marker))).toHaveLength(1);
    const { rows } = await harness.db.query<{ pending_comment: unknown }>("SELECT pending_comment FROM digests");
    expect(rows).toEqual([{ pending_comment: null }]);
  });

  it("a retry after the check run was completed finishes that check run and creates no second one", async () => {
    await setup();
    const many = Array.from({ length: 120 }, (_, i) => hit({ repo: HOME, path: `src/f${i}.ts`, line_number: i + 1, pattern: "p" }));
    const headSha = "c1".repeat(20);
    const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ org_unregistered_hits: many })) }] });
    const job = { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false };
    harness.sim.injectFault({ route: "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", status: 422, times: 1 });
    await expect(harness.runJob("ingest-workflow-run", job)).rejects.toThrow();
    expect(harness.sim.checkRuns(HOME, { headSha })).toHaveLength(1);

    await harness.runJob("ingest-workflow-run", job);
    const checks = harness.sim.checkRuns(HOME, { headSha });
    expect(checks).toHaveLength(1);
    expect(checks[0]!.conclusion).toBe("success");
    expect(checks[0]!.output.annotations).toHaveLength(120);
  });

  it("a label GitHub refuses is reported on the check run, not taken for an existing one", async () => {
    await setup();
    harness.sim.injectFault({ route: "POST /repos/{owner}/{repo}/labels", status: 422, message: "Validation Failed" });
    const { check } = await runIn(HOME, producedBy(artifactFixture()));
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain('GitHub refused to create the label "audit-digest" in acme/app');
    expect(check.output.summary).toContain("check digest.labels in the configuration");
    expect(harness.sim.issues(HOME)).toEqual([]);
  });
});

describe("what an artifact may not carry", () => {
  it("refuses an audit_id that looks like a token: it would be shown and stored as it is", async () => {
    await setup();
    const token = "ghp_" + "Z9".repeat(18);
    const { check } = await runIn(HOME, producedBy(artifactFixture({ audit_id: token })));
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`audit_id` looks like a secret");
    expect(JSON.stringify(harness.sim.requests.map((r) => r.requestBody ?? null))).not.toContain(token);
    const { rows } = await harness.db.query("SELECT * FROM ingests");
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});
