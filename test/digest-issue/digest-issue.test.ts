import { afterEach, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../src/db/create-postgres-database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { markdownRegions } from "../support/markdown-regions.js";
import { createPostgresTestDatabase, testPostgres } from "../support/test-database.js";

const REPOSITORY = `${OWNER}/${REPO}`;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup(options: Parameters<typeof createAppHarness>[0] = {}) {
  const harness = await createAppHarness(options);
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  return harness;
}

let shaCounter = 0;
/**
 * Uploads the artifact, signed and naming its run as a producer would, on a new workflow run
 * (a new commit), and runs the ingest job for it.
 */
async function ingest(harness: AppHarness, document: Record<string, unknown>) {
  const headSha = (++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  return { runId: run.id, headSha };
}

/** The same run's workflow attempted again: the same artifact reaches the app once more. */
async function reattempt(harness: AppHarness, run: { runId: number; headSha: string }) {
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, ...run, runAttempt: 2, fromFork: false });
}

const issueWrites = (harness: AppHarness) => harness.sim.writes().filter((r) => r.route.includes("/issues") || r.route.includes("/labels"));

function digests(harness: AppHarness) {
  return harness.sim.issues(REPOSITORY).filter((issue) => issue.labels.includes("audit-digest"));
}

describe("digest issue", () => {
  it("first ingest creates one labelled issue with the marker; the same artifact again writes nothing", async () => {
    const harness = await setup();
    const run = await ingest(harness, artifactFixture());
    const [digest, ...others] = digests(harness);
    expect(others).toEqual([]);
    expect(digest!.title).toBe("Audit digest: org-audit");
    expect(digest!.body!.startsWith("<!-- audit-digest:v1 audit_id=org-audit -->")).toBe(true);
    expect(digest!.body).toContain("org-audit");
    expect(harness.sim.labels(REPOSITORY).map((l) => l.name)).toContain("audit-digest");
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(1);
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/labels" })).toBe(1);

    harness.sim.resetLog();
    await reattempt(harness, run);
    expect(issueWrites(harness)).toEqual([]);
    expect(harness.sim.countRequests({ route: "GET /search/issues" })).toBe(0);
  });

  it("a changed artifact sends exactly one PATCH, and no comment when nothing is new", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    harness.sim.resetLog();
    const moved = artifactFixture({ generated_at: "2026-11-21T10:00:00Z" });
    (moved.org_unregistered_hits as Array<{ line_number: number }>)[0]!.line_number = 42;
    await ingest(harness, moved);
    expect(issueWrites(harness).map((r) => r.route)).toEqual(["PATCH /repos/{owner}/{repo}/issues/{issue_number}"]);
    expect(digests(harness)[0]!.body).toContain("#L42");
    expect(digests(harness)[0]!.comments).toEqual([]);
  });

  it("a new scan of the same findings on a new commit writes nothing to the digest, reads it with a 304, and the body says since when", async () => {
    const harness = await setup();
    harness.sim.setFileContent({ repo: REPOSITORY, path: ".github/audit-digest.yml", content: "digest:\n  title: 'Findings: {audit_id}'\n" });
    await ingest(harness, artifactFixture({ generated_at: "2026-11-20T10:00:00Z" }));
    const filed = digests(harness)[0]!;
    expect(filed.body).toContain("findings unchanged since the scan generated at `2026-11-20T10:00:00Z`");
    expect(filed.body).toContain("**New since last update: 3**");

    for (const [day, issueRead] of [["21", 200], ["22", 304]] as const) {
      harness.sim.resetLog();
      const run = await ingest(harness, artifactFixture({ generated_at: `2026-11-${day}T10:00:00Z` }));
      expect(issueWrites(harness)).toEqual([]);
      expect(digests(harness)[0]!.body).toBe(filed.body);
      // The issue is read (a person may have closed, locked or edited it); once its tag is known, unchanged reads are 304s.
      expect(harness.sim.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/issues/{issue_number}").map((r) => r.status)).toEqual([issueRead]);
      expect(harness.sim.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/contents/{path}").map((r) => r.status)).toEqual([304]);
      // The check run of the commit carries the latest scan's time.
      const [check] = harness.sim.checkRuns(REPOSITORY, { headSha: run.headSha });
      expect(check!.output?.summary).toContain(`Generated: 2026-11-${day}T10:00:00Z`);
    }

    // A person's edit of the body is put right by the next scan, which still shows the first scan's view.
    harness.sim.updateIssue({ repo: REPOSITORY, issueNumber: filed.number, body: "edited by hand", as: "maintainer" });
    harness.sim.resetLog();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-23T10:00:00Z" }));
    expect(issueWrites(harness).map((r) => r.route)).toEqual(["PATCH /repos/{owner}/{repo}/issues/{issue_number}"]);
    expect(digests(harness)[0]!.body).toBe(filed.body);
    expect(digests(harness)[0]!.comments).toEqual([]);

    // A changed finding starts a new set: the body says so from that scan on, with nothing new since the last update.
    const moved = artifactFixture({ generated_at: "2026-11-24T10:00:00Z" });
    (moved.org_unregistered_hits as Array<{ line_number: number }>)[0]!.line_number = 42;
    await ingest(harness, moved);
    const changed = digests(harness)[0]!.body!;
    expect(changed).toContain("findings unchanged since the scan generated at `2026-11-24T10:00:00Z`");
    expect(changed).toContain("**New since last update: 0**");
    harness.sim.resetLog();
    await ingest(harness, artifactFixture({ ...moved, generated_at: "2026-11-25T10:00:00Z" }));
    expect(issueWrites(harness)).toEqual([]);
  });

  it("an older artifact never overwrites a newer digest", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-21T10:00:00Z" }));
    const before = digests(harness)[0]!.body;
    harness.sim.resetLog();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-19T10:00:00Z", org_unregistered_hits: [] }));
    expect(issueWrites(harness)).toEqual([]);
    expect(digests(harness)[0]!.body).toBe(before);
    expect(digests(harness)[0]!.state).toBe("open");
  });

  it("comments once with the new findings, and closes with a comment when a complete scan finds none", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    await ingest(
      harness,
      artifactFixture({
        generated_at: "2026-11-21T10:00:00Z",
        org_unregistered_hits: [
          ...(artifactFixture().org_unregistered_hits as unknown[]),
          hit({ repo: "acme/api", path: "a.go", line_number: 5, pattern: "vault" }),
        ],
      }),
    );
    let [digest] = digests(harness);
    expect(digest!.comments).toHaveLength(1);
    expect(digest!.comments[0]!.body).toContain("**1 new finding** since the last update");

    await ingest(harness, artifactFixture({ generated_at: "2026-11-22T10:00:00Z", complete: false, org_unregistered_hits: [] }));
    expect(digests(harness)[0]!.state).toBe("open");

    await ingest(harness, artifactFixture({ generated_at: "2026-11-23T10:00:00Z", org_unregistered_hits: [] }));
    [digest] = digests(harness);
    expect(digest!.state).toBe("closed");
    expect(digest!.stateReason).toBe("completed");
    expect(digest!.comments.at(-1)!.body).toContain("All findings are resolved");
  });

  it("a digest a person closed stays closed for known findings and reopens, saying why, for new ones", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    const number = digests(harness)[0]!.number;
    harness.sim.closeIssueAsUser({ repo: REPOSITORY, issueNumber: number, username: "maintainer", stateReason: "not_planned" });

    const sameFindingsLater = artifactFixture({ generated_at: "2026-11-21T10:00:00Z" });
    (sameFindingsLater.org_unregistered_hits as Array<{ line_number: number }>)[1]!.line_number = 4;
    await ingest(harness, sameFindingsLater);
    expect(digests(harness)[0]!.state).toBe("closed");
    expect(digests(harness)[0]!.comments).toEqual([]);

    await ingest(
      harness,
      artifactFixture({
        generated_at: "2026-11-22T10:00:00Z",
        org_unregistered_hits: [...(artifactFixture().org_unregistered_hits as unknown[]), hit({ repo: "acme/api", path: "new.go", line_number: 1, pattern: "vault" })],
      }),
    );
    const digest = digests(harness)[0]!;
    expect(digest.state).toBe("open");
    expect(digest.comments).toHaveLength(1);
    expect(digest.comments[0]!.body).toContain("Reopening this digest");
    expect(digest.comments[0]!.body).toContain("new.go");
  });

  it("a locked digest is replaced by a new issue, recorded in its place", async () => {
    const harness = await setup();
    await ingest(harness, artifactFixture());
    const first = digests(harness)[0]!.number;
    harness.sim.lockIssue({ repo: REPOSITORY, issueNumber: first });
    await ingest(harness, artifactFixture({ generated_at: "2026-11-21T10:00:00Z" }));
    const numbers = digests(harness).map((d) => d.number);
    expect(numbers).toHaveLength(2);
    const { rows } = await harness.db.query<{ issue_number: number }>("SELECT issue_number FROM digests");
    expect(rows).toEqual([{ issue_number: numbers[1] }]);
  });

  it("finds its issue by label and marker when the database lost the record, without the search API", async () => {
    const harness = await setup();
    for (let i = 0; i < 120; i++) harness.sim.createIssue({ repo: REPOSITORY, title: `other ${i}`, labels: ["audit-digest"], body: `<!-- audit-digest:v1 audit_id=other-${i} -->` });
    await ingest(harness, artifactFixture());
    await harness.db.query("DELETE FROM digests");
    await harness.db.query("DELETE FROM digest_findings");
    harness.sim.resetLog();
    await ingest(harness, artifactFixture({ generated_at: "2026-11-21T10:00:00Z" }));
    expect(digests(harness).filter((d) => d.title === "Audit digest: org-audit")).toHaveLength(1);
    expect(harness.sim.countRequests({ route: "GET /search/issues" })).toBe(0);
    expect(harness.sim.countRequests({ route: "GET /repos/{owner}/{repo}/issues" })).toBe(2);
  });

  it("never adopts a look-alike that a person filed with the app's label and marker, before or after the record is lost", async () => {
    const harness = await setup();
    const plantedBody = "<!-- audit-digest:v1 audit_id=org-audit -->\nThis issue was not filed by the app.";
    const planted = harness.sim.createIssue({ repo: REPOSITORY, title: "Audit digest: org-audit", labels: ["audit-digest"], body: plantedBody });
    await ingest(harness, artifactFixture());
    const own = digests(harness).find((d) => d.number !== planted.number);
    expect(own?.body?.startsWith("<!-- audit-digest:v1 audit_id=org-audit -->")).toBe(true);
    await harness.db.query("DELETE FROM digests");
    await harness.db.query("DELETE FROM digest_findings");
    await ingest(harness, artifactFixture({ org_unregistered_hits: [] }));
    const plantedNow = digests(harness).find((d) => d.number === planted.number)!;
    expect(plantedNow.body).toBe(plantedBody);
    expect(plantedNow.state).toBe("open");
    expect(digests(harness).find((d) => d.number === own!.number)?.state).toBe("closed");
    expect(digests(harness)).toHaveLength(2);
  });

  it("a secret in a snippet reaches no request GitHub received", async () => {
    const harness = await setup();
    const token = "ghp_" + "Q7x".repeat(12);
    const document = artifactFixture({
      org_unregistered_hits: [hit({ repo: "acme/app", path: "cfg.ts", line_number: 2, pattern: "token", snippet: `const t = "${token}"; // @alice see #12` })],
    });
    await ingest(harness, document);
    const bodies = JSON.stringify(harness.sim.requests.map((r) => r.requestBody ?? null));
    expect(bodies).not.toContain(token);
    expect(bodies).toContain("[REDACTED:github-token]");
    const digest = digests(harness)[0]!;
    // The snippet sits in a code block, where GitHub links no mention or reference: it is shown
    // as written, without invisible characters, and no text outside code pings or cross-links.
    const { text, code } = markdownRegions(digest.body!);
    expect(code).toContain('  const t = "[REDACTED:github-token]"; // @alice see #12');
    expect(text.join("\n")).not.toMatch(/@alice\b/);
    expect(text.join("\n")).not.toMatch(/(^|[^\w])#12\b/);
  });

  it("a digest of 100,000 findings stays under GitHub's limit and says how many it left out", async () => {
    const harness = await setup();
    const many = Array.from({ length: 100_000 }, (_, i) =>
      hit({ repo: `acme/r${i % 50}`, path: `src/dir${i % 97}/file${i}.ts`, line_number: (i % 500) + 1, pattern: `pattern-${i % 13}` }),
    );
    await ingest(harness, artifactFixture({ org_unregistered_hits: many }));
    const body = digests(harness)[0]!.body!;
    expect(body.length).toBeLessThanOrEqual(60_000);
    const omitted = /\*\*([\d,]+) findings? (?:are|is) not shown/.exec(body) ?? /([\d,]+) (?:more )?findings? (?:are|is) not (?:shown|listed)/.exec(body);
    expect(omitted, body.slice(-1500)).not.toBeNull();
    expect(body).toContain("check run");
  });
});

describe("concurrent ingests for one audit_id", () => {
  const concurrentIngests = async (harnesses: AppHarness[]) => {
    const first = harnesses[0]!;
    const runs = Array.from({ length: 20 }, (_, i) => {
      const headSha = (1000 + i).toString(16).padStart(40, "0");
      const run = first.sim.createWorkflowRun({
        repo: REPOSITORY,
        headSha,
        artifacts: [{ name: "consumer-artifact", json: producedBy(artifactFixture({ generated_at: `2026-11-20T10:00:${String(i).padStart(2, "0")}Z` })) }],
      });
      return { runId: run.id, headSha };
    });
    await Promise.all(
      runs.map(({ runId, headSha }, i) =>
        harnesses[i % harnesses.length]!.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId, runAttempt: 1, headSha, fromFork: false }),
      ),
    );
    expect(digests(first)).toHaveLength(1);
    expect(first.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(1);
    const { rows } = await first.db.query<{ n: string }>("SELECT count(*)::text AS n FROM digests");
    expect(rows).toEqual([{ n: "1" }]);
  };

  it("leave exactly one issue on PGlite", async () => {
    await concurrentIngests([await setup()]);
  });

  // With CI=true this runs always, and fails when TEST_DATABASE_URL is missing.
  it.runIf(testPostgres.runs)("leave exactly one issue on PostgreSQL with two workers", async () => {
    const target = await createPostgresTestDatabase();
    cleanups.push(target.drop);
    const dbs = [createPostgresDatabase({ url: target.url }), createPostgresDatabase({ url: target.url })];
    cleanups.push(async () => {
      for (const db of dbs) await db.close();
    });
    await runMigrations({ db: dbs[0]! });
    const env = { DATABASE_URL: target.url };
    const one = await setup({ db: dbs[0]!, env });
    const two = await setup({ db: dbs[1]!, env, sim: one.sim });
    await concurrentIngests([one, two]);
  });
});
