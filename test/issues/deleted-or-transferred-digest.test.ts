import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";

const HOME = `${OWNER}/${REPO}`;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup() {
  const harness = await createAppHarness();
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  return harness;
}

let shaCounter = 0;
/** A CI run on a new commit uploads the artifact, and the app ingests it. */
async function ingest(harness: AppHarness, document: Record<string, unknown>) {
  const headSha = (++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
}

/** The same audit a day later, one finding moved: the digest must change. */
function laterScan(): Record<string, unknown> {
  const document = artifactFixture({ generated_at: "2026-11-21T10:00:00Z" });
  (document.org_unregistered_hits as Array<{ line_number: number }>)[0]!.line_number = 42;
  return document;
}

const digestsIn = (harness: AppHarness, repo: string) => harness.sim.issues(repo).filter((issue) => issue.body?.startsWith("<!-- audit-digest:v1 audit_id=org-audit"));

async function digestRecord(harness: AppHarness) {
  const { rows } = await harness.db.query<{ repository: string; issue_number: number }>("SELECT repository, issue_number FROM digests WHERE audit_id = $1", ["org-audit"]);
  return rows;
}

const statusesOf = (harness: AppHarness, route: string, path: string) =>
  harness.sim.requests.filter((entry) => entry.route === route && entry.path === path).map((entry) => entry.status);

describe("a digest issue deleted or transferred away", () => {
  it("deleted: the next ingest files a new digest in the home repository and records it; the one after updates it", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    const [first] = digestsIn(harness, HOME);
    harness.sim.deleteIssue({ repo: HOME, issueNumber: first!.number, as: "acme-admin" });

    harness.sim.resetLog();
    await ingest(harness, artifactFixture());
    expect(statusesOf(harness, "GET /repos/{owner}/{repo}/issues/{issue_number}", `/repos/${HOME}/issues/${first!.number}`)).toContain(410);
    const [replacement, ...others] = digestsIn(harness, HOME);
    expect(others).toEqual([]);
    expect(replacement).toMatchObject({ number: first!.number + 1, state: "open", title: "Audit digest: org-audit" });
    expect(await digestRecord(harness)).toEqual([{ repository: HOME, issue_number: replacement!.number }]);

    harness.sim.resetLog();
    await ingest(harness, laterScan());
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(0);
    expect(digestsIn(harness, HOME).map((issue) => issue.number)).toEqual([replacement!.number]);
    expect(digestsIn(harness, HOME)[0]!.body).toContain("#L42");
  });

  it("transferred to another repository of the installation: nothing is written there, and a new digest is filed at home", async () => {
    const harness = await setup();
    harness.sim.createRepository({ owner: OWNER, name: "vault" });
    await ingest(harness, artifactFixture());
    const [first] = digestsIn(harness, HOME);
    const moved = harness.sim.transferIssue({ repo: HOME, issueNumber: first!.number, to: `${OWNER}/vault` });
    // The same number in the other repository: following the redirect would find "the digest" there.
    expect(moved.number).toBe(first!.number);
    const transferredBody = harness.sim.issue(`${OWNER}/vault`, moved.number)!.body;

    harness.sim.resetLog();
    await ingest(harness, laterScan());
    expect(statusesOf(harness, "GET /repos/{owner}/{repo}/issues/{issue_number}", `/repos/${HOME}/issues/${first!.number}`)).toContain(301);
    expect(harness.sim.writes().filter((entry) => entry.path.startsWith(`/repos/${OWNER}/vault/`))).toEqual([]);
    expect(harness.sim.issue(`${OWNER}/vault`, moved.number)).toMatchObject({ body: transferredBody, comments: [] });
    const [replacement, ...others] = digestsIn(harness, HOME);
    expect(others).toEqual([]);
    expect(replacement).toMatchObject({ number: first!.number + 1, state: "open" });
    expect(replacement!.body).toContain("#L42");
    expect(await digestRecord(harness)).toEqual([{ repository: HOME, issue_number: replacement!.number }]);
  });

  it("transferred to a repository the installation cannot see (GitHub answers 404): a new digest is filed at home", async () => {
    const harness = await setup();
    harness.sim.createRepository({ owner: "elsewhere", name: "vault" });
    await ingest(harness, artifactFixture());
    const [first] = digestsIn(harness, HOME);
    harness.sim.transferIssue({ repo: HOME, issueNumber: first!.number, to: "elsewhere/vault" });

    harness.sim.resetLog();
    await ingest(harness, laterScan());
    expect(statusesOf(harness, "GET /repos/{owner}/{repo}/issues/{issue_number}", `/repos/${HOME}/issues/${first!.number}`)).toContain(404);
    expect(harness.sim.writes().filter((entry) => !entry.path.startsWith(`/repos/${HOME}/`) && entry.path.startsWith("/repos/"))).toEqual([]);
    expect(digestsIn(harness, HOME)).toEqual([expect.objectContaining({ number: first!.number + 1, state: "open" })]);
    expect(await digestRecord(harness)).toEqual([{ repository: HOME, issue_number: first!.number + 1 }]);
  });
});
