import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { createOnce } from "../../src/github/create-once.js";
import { failureOf } from "../support/failure-of.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";

const owner = "acme";
const repo = "app";
const CREATE_ISSUE = "POST /repos/{owner}/{repo}/issues";
const LIST_ISSUES = "GET /repos/{owner}/{repo}/issues";
const UPDATE_CHECK_RUN = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const MARKER = "<!-- test:one-issue -->";

/** The app's Octokit (no request spacing; retry waits shortened to a millisecond per second) against a fresh simulator. */
async function arrange() {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  sim.createInstallation({ id: 1, account: owner, permissions: { issues: "write", checks: "write", metadata: "read" } });
  sim.createRepository({ owner, name: repo });
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log: pino({ level: "silent" }),
    Octokit: createOctokitClass({ throttle: false, retryAfterBaseValue: 1 }),
    request: { fetch: sim.fetch },
  });
  const client = await probot.auth(1);
  const createIssue = async () => (await client.rest.issues.create({ owner, repo, title: "Digest", body: `findings\n${MARKER}` })).data.number;
  const findIssue = async () => {
    const { data } = await client.rest.issues.listForRepo({ owner, repo, state: "all" });
    return data.find((issue) => issue.body?.includes(MARKER))?.number;
  };
  return { sim, client, createIssue, findIssue };
}

describe("creates are not repeated by the Octokit after a failure", () => {
  it("an issue create answered 502 after GitHub filed it is sent once: one issue, and the 502 reaches the caller", async () => {
    const { sim, createIssue } = await arrange();
    sim.injectFault({ route: CREATE_ISSUE, status: 502, afterWrite: true, times: 1 });
    expect(await failureOf(createIssue())).toMatchObject({ status: 502 });
    expect(sim.requests.filter((r) => r.route === CREATE_ISSUE).map((r) => r.status)).toEqual([502]);
    expect(sim.issues(`${owner}/${repo}`)).toHaveLength(1);
    sim.assertNoViolations();
  });

  it("a check run update carrying annotations is sent once; one without annotations is retried as before", async () => {
    const { sim, client } = await arrange();
    const { data: run } = await client.rest.checks.create({ owner, repo, name: "gate", head_sha: "a".repeat(40) });
    const annotation = { path: "a.ts", start_line: 1, end_line: 1, annotation_level: "notice" as const, message: "m" };
    sim.injectFault({ route: UPDATE_CHECK_RUN, status: 502, afterWrite: true, times: 1 });
    await failureOf(client.rest.checks.update({ owner, repo, check_run_id: run.id, output: { title: "t", summary: "s", annotations: [annotation] } }));
    expect(sim.checkRuns(`${owner}/${repo}`)[0]!.output.annotations).toHaveLength(1);

    sim.injectFault({ route: UPDATE_CHECK_RUN, status: 502, times: 1 });
    expect((await client.rest.checks.update({ owner, repo, check_run_id: run.id, status: "in_progress" })).status).toBe(200);
    expect(sim.requests.filter((r) => r.route === UPDATE_CHECK_RUN).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("a read answered 502 is still retried in place", async () => {
    const { sim, findIssue } = await arrange();
    sim.injectFault({ route: LIST_ISSUES, status: 502, times: 1 });
    expect(await findIssue()).toBeUndefined();
    expect(sim.requests.filter((r) => r.route === LIST_ISSUES).map((r) => r.status)).toEqual([502, 200]);
  });
});

describe("createOnce: look first after a failed create, create only when absent", () => {
  it("takes the issue a create filed before its 502 as created, and files no second one", async () => {
    const { sim, createIssue, findIssue } = await arrange();
    sim.injectFault({ route: CREATE_ISSUE, status: 502, afterWrite: true, times: 1 });
    const number = await createOnce({ create: createIssue, find: findIssue });
    const issues = sim.issues(`${owner}/${repo}`);
    expect(issues.map((issue) => issue.number)).toEqual([number]);
    expect(sim.requests.filter((r) => r.route === CREATE_ISSUE || r.route === LIST_ISSUES).map((r) => `${r.route} ${r.status}`)).toEqual([
      `${CREATE_ISSUE} 502`,
      `${LIST_ISSUES} 200`,
    ]);
  });

  it("creates again when the failed creates left nothing, up to three creates in all", async () => {
    const { sim, createIssue, findIssue } = await arrange();
    sim.injectFault({ route: CREATE_ISSUE, status: 503, times: 2 });
    const number = await createOnce({ create: createIssue, find: findIssue });
    expect(sim.issues(`${owner}/${repo}`).map((issue) => issue.number)).toEqual([number]);
    expect(sim.requests.filter((r) => r.route === CREATE_ISSUE).map((r) => r.status)).toEqual([503, 503, 201]);
  });

  it("gives the failure back after three failed creates that left nothing", async () => {
    const { sim, createIssue, findIssue } = await arrange();
    sim.injectFault({ route: CREATE_ISSUE, status: 500 });
    expect(await failureOf(createOnce({ create: createIssue, find: findIssue }))).toMatchObject({ status: 500 });
    expect(sim.countRequests({ route: CREATE_ISSUE })).toBe(3);
    expect(sim.issues(`${owner}/${repo}`)).toEqual([]);
  });

  it("does not look or create again after a refusal (422): nothing was written", async () => {
    const { sim, createIssue, findIssue } = await arrange();
    sim.injectFault({ route: CREATE_ISSUE, status: 422, times: 1 });
    expect(await failureOf(createOnce({ create: createIssue, find: findIssue }))).toMatchObject({ status: 422 });
    expect(sim.countRequests({ route: CREATE_ISSUE })).toBe(1);
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(0);
  });
});
