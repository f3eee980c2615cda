import { afterEach, describe, expect, it } from "vitest";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { fingerprintHits } from "../../src/artifact/fingerprint-hit.js";
import { parseRepoConfig } from "../../src/config/load-repo-config.js";
import { upsertDigest } from "../../src/digest/upsert-digest.js";
import { perRepoIssues } from "../../src/repo-issues/upsert-repo-issues.js";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";

const HOME = `${OWNER}/${REPO}`;
const PER_REPO = 'digest:\n  producers: ["acme/*"]\nissues:\n  mode: per-repo\n';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** A harness in per-repo mode whose installation also reaches acme/web and acme/api. */
async function setup(config = PER_REPO) {
  const harness = await createAppHarness();
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  harness.sim.setFileContent({ repo: HOME, path: ".github/audit-digest.yml", content: config });
  harness.sim.createRepository({ owner: OWNER, name: "web" });
  harness.sim.createRepository({ owner: OWNER, name: "api" });
  return harness;
}

/** Findings in acme/app (2), acme/web (1) and acme/api (1). */
function threeRepos(overrides: Record<string, unknown> = {}) {
  return artifactFixture({
    org_unregistered_hits: [
      ...(artifactFixture().org_unregistered_hits as unknown[]),
      hit({ repo: "acme/api", path: "cmd/main.go", line_number: 12, pattern: "vault", severity: "high" }),
    ],
    ...overrides,
  });
}

let shaCounter = 0;
/** A new commit's run in the home uploads the artifact (signed, naming its run), and it is ingested. */
async function ingest(harness: AppHarness, document: Record<string, unknown>, { headSha = (++shaCounter).toString(16).padStart(40, "0") } = {}) {
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  return { runId: run.id, headSha };
}

const labelled = (harness: AppHarness, repo: string) => harness.sim.issues(repo).filter((issue) => issue.labels.includes("audit-digest"));
const digestOf = (harness: AppHarness) => labelled(harness, HOME).find((issue) => issue.body!.startsWith("<!-- audit-digest:v1 "))!;
const repoIssuesOf = (harness: AppHarness, repo: string) =>
  labelled(harness, repo).filter((issue) => issue.body!.startsWith("<!-- audit-digest-repo:v1 "));
const issueWrites = (harness: AppHarness) => harness.sim.writes().filter((r) => r.route.includes("/issues") || r.route.includes("/labels"));
const link = (repo: string, number: number) => `/${repo}/issues/${number}`;

describe("per-repository issues", () => {
  it("files one issue per affected repository plus the digest, linked both ways; the same artifact again writes nothing", async () => {
    const harness = await setup();
    const run = await ingest(harness, threeRepos());

    const digest = digestOf(harness);
    expect(labelled(harness, HOME)).toHaveLength(2);
    for (const repo of [HOME, "acme/web", "acme/api"]) {
      const [issue, ...others] = repoIssuesOf(harness, repo);
      expect(others).toEqual([]);
      expect(issue!.title).toBe("Audit findings: org-audit");
      expect(issue!.body!.startsWith(`<!-- audit-digest-repo:v1 audit_id=org-audit repo=${repo} -->`)).toBe(true);
      expect(issue!.body).toContain(link(HOME, digest.number));
      expect(digest.body).toContain(link(repo, issue!.number));
    }
    const web = repoIssuesOf(harness, "acme/web")[0]!;
    expect(web.body).toContain("lib/x.js");
    expect(web.body).not.toContain("src/pay.ts");
    expect(web.body).not.toContain("cmd/main.go");
    expect(harness.sim.labels("acme/web").map((l) => l.name)).toContain("audit-digest");
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(4);

    harness.sim.resetLog();
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, ...run, runAttempt: 2, fromFork: false });
    expect(issueWrites(harness)).toEqual([]);
  });

  it("opens issues only in the home and its digest.producers; findings elsewhere stay in the digest, noted", async () => {
    const harness = await setup('issues:\n  mode: per-repo\ndigest:\n  producers: ["acme/web"]\n');
    await ingest(harness, threeRepos());
    expect(repoIssuesOf(harness, HOME)).toHaveLength(1);
    expect(repoIssuesOf(harness, "acme/web")).toHaveLength(1);
    expect(harness.sim.issues("acme/api")).toEqual([]);
    expect(harness.sim.requests.filter((r) => r.path.startsWith("/repos/acme/api"))).toEqual([]);
    const body = digestOf(harness).body!;
    expect(body).toContain("`acme/api` (not the digest's home or one of its digest.producers, so no issue may be opened there)");
    expect(body).toContain("cmd/main.go");
  });

  it("a changed artifact patches only the repositories whose findings changed, and reads no other", async () => {
    const harness = await setup();
    const { headSha } = await ingest(harness, threeRepos());
    const web = repoIssuesOf(harness, "acme/web")[0]!;
    harness.sim.resetLog();

    // A second scan of the same commit (links to acme/app's files stay the same).
    const moved = threeRepos({ generated_at: "2026-11-21T10:00:00Z" });
    (moved.org_unregistered_hits as Array<{ repo: string; line_number: number }>).find((h) => h.repo === "acme/web")!.line_number = 70;
    await ingest(harness, moved, { headSha });

    expect(issueWrites(harness).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/acme/web/issues/${web.number}`,
      `PATCH /repos/acme/app/issues/${digestOf(harness).number}`,
    ]);
    expect(repoIssuesOf(harness, "acme/web")[0]!.body).toContain("lib/x.js:70");
    const reads = harness.sim.requests.filter((r) => r.method === "GET" && /^\/repos\/acme\/(api|app)\/issues\/\d+$/.test(r.path));
    expect(reads.map((r) => r.path)).toEqual([`/repos/acme/app/issues/${digestOf(harness).number}`]);
    expect(repoIssuesOf(harness, "acme/web")[0]!.comments).toEqual([]);
  });

  it("closes a repository's issue with a comment when all its findings are resolved; the others stay open", async () => {
    const harness = await setup();
    await ingest(harness, threeRepos());
    const withoutWeb = threeRepos({ generated_at: "2026-11-21T10:00:00Z" });
    withoutWeb.org_unregistered_hits = (withoutWeb.org_unregistered_hits as Array<{ repo: string }>).filter((h) => h.repo !== "acme/web");
    await ingest(harness, withoutWeb);

    const web = repoIssuesOf(harness, "acme/web")[0]!;
    expect(web.state).toBe("closed");
    expect(web.stateReason).toBe("completed");
    expect(web.comments.map((c) => c.body)).toEqual([expect.stringContaining("All findings are resolved")]);
    for (const repo of [HOME, "acme/api"]) {
      expect(repoIssuesOf(harness, repo)[0]!.state).toBe("open");
      expect(repoIssuesOf(harness, repo)[0]!.comments).toEqual([]);
    }
    expect(digestOf(harness).state).toBe("open");
    expect(digestOf(harness).body).not.toContain(link("acme/web", web.number));
  });

  it("a repository's issue a person closed is reopened only for new findings in that repository", async () => {
    const harness = await setup();
    await ingest(harness, threeRepos());
    const api = repoIssuesOf(harness, "acme/api")[0]!;
    harness.sim.closeIssueAsUser({ repo: "acme/api", issueNumber: api.number, username: "maintainer", stateReason: "not_planned" });

    const newElsewhere = threeRepos({ generated_at: "2026-11-21T10:00:00Z" });
    (newElsewhere.org_unregistered_hits as unknown[]).push(hit({ repo: "acme/web", path: "lib/y.js", line_number: 1, pattern: "vault" }));
    await ingest(harness, newElsewhere);
    expect(repoIssuesOf(harness, "acme/api")[0]!.state).toBe("closed");
    expect(repoIssuesOf(harness, "acme/web")[0]!.comments.map((c) => c.body)).toEqual([expect.stringContaining("lib/y.js")]);

    const newInApi = threeRepos({ generated_at: "2026-11-22T10:00:00Z" });
    (newInApi.org_unregistered_hits as unknown[]).push(hit({ repo: "acme/web", path: "lib/y.js", line_number: 1, pattern: "vault" }));
    (newInApi.org_unregistered_hits as unknown[]).push(hit({ repo: "acme/api", path: "cmd/new.go", line_number: 3, pattern: "vault" }));
    await ingest(harness, newInApi);
    const reopened = repoIssuesOf(harness, "acme/api")[0]!;
    expect(reopened.state).toBe("open");
    expect(reopened.comments).toHaveLength(1);
    expect(reopened.comments[0]!.body).toContain("cmd/new.go");
  });

  it("storm breaker: more new repositories than issues.max_new_per_run files only the digest, which says so", async () => {
    const harness = await setup(`${PER_REPO}  max_new_per_run: 2\n`);
    await ingest(harness, threeRepos());

    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(1);
    expect(labelled(harness, HOME)).toHaveLength(1);
    expect(repoIssuesOf(harness, "acme/web")).toEqual([]);
    expect(repoIssuesOf(harness, "acme/api")).toEqual([]);
    expect(digestOf(harness).body).toContain("Storm breaker: 3 repositories would have got a new issue (limit issues.max_new_per_run = 2)");
    expect(harness.sim.countRequests({ route: "GET /search/issues" })).toBe(0);
  });

  it("a blocked reason from the caller (rate budget) files the digest only and shows the reason", async () => {
    const harness = await setup();
    const octokit = await harness.runner.authenticate(INSTALLATION_ID);
    const parsedConfig = parseRepoConfig({ source: "test", value: { issues: { mode: "per-repo" } } });
    if (!parsedConfig.ok) throw parsedConfig.error;
    const upsert = async (document: Record<string, unknown>, perRepoBlockedReason?: string) => {
      const parsed = parseArtifact(JSON.stringify(document));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return upsertDigest({
        ctx: { db: harness.db, log: harness.runner.log, config: harness.runner.config, installationId: INSTALLATION_ID },
        octokit,
        repoConfig: parsedConfig.config,
        artifact: parsed.artifact,
        hits: fingerprintHits(parsed.artifact.org_unregistered_hits),
        home: `${OWNER}/${REPO}`,
        repoIssues: perRepoIssues({
          octokit,
          log: harness.runner.log,
          github: harness.runner.config.github,
          maxNew: parsedConfig.config.issues.max_new_per_run,
          ...(perRepoBlockedReason === undefined ? {} : { blockedReason: perRepoBlockedReason }),
        }),
      });
    };

    const reason = "only 120 API requests left this hour (rate.digest_only_below = 500)";
    await upsert(threeRepos(), reason);
    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(1);
    expect(harness.sim.requests.filter((r) => r.path.startsWith("/repos/acme/web") || r.path.startsWith("/repos/acme/api"))).toEqual([]);
    expect(digestOf(harness).body).toContain(`Per-repository issues were not filed or updated: ${reason}`);

    await upsert(threeRepos({ generated_at: "2026-11-21T10:00:00Z" }));
    expect(repoIssuesOf(harness, "acme/web")).toHaveLength(1);
    expect(repoIssuesOf(harness, "acme/api")).toHaveLength(1);
    expect(digestOf(harness).body).not.toContain("Per-repository issues were not filed");
  });

  it("skips repositories with issues disabled, archived or out of reach, saying so in the digest, and the ingest succeeds", async () => {
    const harness = await setup();
    harness.sim.createRepository({ owner: OWNER, name: "docs" });
    harness.sim.updateRepository({ repo: "acme/docs", hasIssues: false });
    harness.sim.createRepository({ owner: OWNER, name: "old", archived: true });
    const document = threeRepos();
    (document.org_unregistered_hits as unknown[]).push(
      hit({ repo: "acme/docs", path: "a.md", line_number: 1, pattern: "vault" }),
      hit({ repo: "acme/old", path: "b.ts", line_number: 2, pattern: "vault" }),
      hit({ repo: "elsewhere/lib", path: "c.ts", line_number: 3, pattern: "vault" }),
    );
    await ingest(harness, document);

    const body = digestOf(harness).body!;
    expect(body).toContain("No per-repository issue for 3 repositories");
    expect(body).toContain("`acme/docs` (issues are disabled there)");
    expect(body).toContain("`acme/old` (the repository is archived)");
    expect(body).toContain("`elsewhere/lib` (not the digest's home or one of its digest.producers, so no issue may be opened there)");
    expect(harness.sim.requests.filter((r) => r.path.startsWith("/repos/elsewhere/"))).toEqual([]);
    expect(repoIssuesOf(harness, "acme/web")).toHaveLength(1);
    expect(harness.sim.issues("acme/old")).toEqual([]);
    const [check] = harness.sim.checkRuns(HOME);
    expect(check!.conclusion).toBe("success");
  });

  it("finds its issues by label and marker when the database lost their records, without the search API", async () => {
    const harness = await setup();
    await ingest(harness, threeRepos());
    await harness.db.query("DELETE FROM repo_issues");
    harness.sim.resetLog();
    const moved = threeRepos({ generated_at: "2026-11-21T10:00:00Z" });
    (moved.org_unregistered_hits as Array<{ repo: string; line_number: number }>).find((h) => h.repo === "acme/web")!.line_number = 70;
    await ingest(harness, moved);

    expect(harness.sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues" })).toBe(0);
    expect(harness.sim.countRequests({ route: "GET /search/issues" })).toBe(0);
    expect(repoIssuesOf(harness, "acme/web")).toHaveLength(1);
    expect(repoIssuesOf(harness, "acme/web")[0]!.body).toContain("lib/x.js:70");
    const { rows } = await harness.db.query<{ n: string }>("SELECT count(*)::text AS n FROM repo_issues");
    expect(rows).toEqual([{ n: "3" }]);
  });

  it("a look-alike repository issue that a person filed with the label and marker is left alone; the app files its own", async () => {
    const harness = await setup();
    const plantedBody = "<!-- audit-digest-repo:v1 audit_id=org-audit repo=acme/web -->\nThis issue was not filed by the app.";
    const planted = harness.sim.createIssue({ repo: "acme/web", title: "Audit findings: org-audit", labels: ["audit-digest"], body: plantedBody });
    await ingest(harness, threeRepos());

    const web = labelled(harness, "acme/web");
    expect(web).toHaveLength(2);
    expect(web.find((issue) => issue.number === planted.number)!.body).toBe(plantedBody);
    const own = web.find((issue) => issue.number !== planted.number)!;
    expect(own.body).toContain("lib/x.js");
    const { rows } = await harness.db.query<{ issue_number: number }>("SELECT issue_number FROM repo_issues WHERE lower(repository) = 'acme/web'");
    expect(rows).toEqual([{ issue_number: own.number }]);
  });
});
