import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure as failure, type GitHubSimulator } from "../support/github-simulator/index.js";

const REPO = "acme/service";

function arrange(options: Parameters<typeof createGitHubSimulator>[0] = {}) {
  const sim = createGitHubSimulator(options);
  const { id } = sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" } });
  sim.createRepository({ owner: "acme", name: "service" });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: id }), request: { fetch: sim.fetch } });
  return { sim, octokit };
}

function createIssue(octokit: Octokit, body: Record<string, unknown>) {
  return octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", ...body } as never);
}

describe("issues", () => {
  it("creates an issue as the app's bot user, creating unknown labels", async () => {
    const { sim, octokit } = arrange();
    const { status, data } = await octokit.request("POST /repos/{owner}/{repo}/issues", {
      owner: "acme",
      repo: "service",
      title: "Audit digest",
      body: "hello",
      labels: ["audit-digest"],
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      number: 1,
      state: "open",
      html_url: "https://github.com/acme/service/issues/1",
      user: { login: "audit-digest[bot]", type: "Bot" },
      performed_via_github_app: { slug: "audit-digest" },
      labels: [{ name: "audit-digest" }],
    });
    expect(sim.issues(REPO)).toMatchObject([{ number: 1, title: "Audit digest", byApp: true, labels: ["audit-digest"] }]);
    expect(sim.labels(REPO).map((label) => label.name)).toEqual(["audit-digest"]);
    expect(sim.countRequests({ method: "POST", route: "/repos/{owner}/{repo}/issues" })).toBe(1);
    expect(sim.writes({ method: "PATCH" })).toHaveLength(0);
    expect(sim.requests[0]?.requestBody).toEqual({ title: "Audit digest", body: "hello", labels: ["audit-digest"] });
    expect(sim.requests[0]?.installationId).toBe(1);
    sim.assertNoViolations();
  });

  it("rejects labels given as a string with GitHub's schema message and records the violation", async () => {
    const { sim, octokit } = arrange();
    const refused = await failure(createIssue(octokit, { title: "t", labels: "bug" }));
    expect(refused.status).toBe(422);
    expect(refused.message).toBe("Invalid request.\n\nFor 'properties/labels', \"bug\" is not an array.");
    expect(sim.issues(REPO)).toHaveLength(0);
    expect(sim.schemaViolations).toMatchObject([{ where: "body", route: "POST /repos/{owner}/{repo}/issues" }]);
    expect(() => sim.assertNoViolations()).toThrow(/labels/);
  });

  it("rejects a body over 65,536 characters and accepts one at the limit", async () => {
    const { sim, octokit } = arrange();
    const refused = await failure(createIssue(octokit, { title: "t", body: "x".repeat(70_000) }));
    expect(refused.status).toBe(422);
    expect(refused.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "Issue", field: "body", message: "body is too long (maximum is 65536 characters)" }],
    });
    await createIssue(octokit, { title: "t", body: "x".repeat(65_536) });
    const issue = (await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: 1 })).data;
    const comment = await failure(
      octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "service", issue_number: issue.number, body: "y".repeat(65_537) }),
    );
    expect(comment.status).toBe(422);
    expect(sim.issues(REPO)).toHaveLength(1);
  });

  it("closes with closed_at/closed_by and state_reason, reopens, and replaces labels", async () => {
    const { octokit } = arrange();
    await createIssue(octokit, { title: "t", labels: ["a", "b"] });
    const closed = await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: "acme",
      repo: "service",
      issue_number: 1,
      state: "closed",
      state_reason: "not_planned",
      labels: ["b"],
    });
    expect(closed.data).toMatchObject({ state: "closed", state_reason: "not_planned", closed_by: { login: "audit-digest[bot]" } });
    expect(closed.data.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(closed.data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual(["b"]);
    const reopened = await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: 1, state: "open" });
    expect(reopened.data).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
  });

  it("shows an issue a person closed as closed by that person", async () => {
    const { sim, octokit } = arrange();
    await createIssue(octokit, { title: "digest" });
    sim.closeIssueAsUser({ repo: REPO, issueNumber: 1, username: "maintainer" });
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: 1 });
    expect(data).toMatchObject({ state: "closed", closed_by: { login: "maintainer", type: "User" }, performed_via_github_app: { slug: "audit-digest" } });
  });

  it("lists by state and label with Link pagination", async () => {
    const { sim, octokit } = arrange();
    for (let index = 1; index <= 5; index += 1) sim.createIssue({ repo: REPO, title: `issue ${index}`, labels: index % 2 ? ["odd"] : [] });
    sim.closeIssueAsUser({ repo: REPO, issueNumber: 5, username: "someone" });
    const first = await octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", labels: "odd", per_page: 1 });
    expect(first.data.map((issue) => issue.number)).toEqual([3]);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", state: "all", direction: "asc" });
    expect(all.data.map((issue) => issue.number)).toEqual([1, 2, 3, 4, 5]);
    expect(all.headers.link).toBeUndefined();
  });

  it("refuses comments on locked issues, issues on repos without issues, and writes to archived repos", async () => {
    const { sim, octokit } = arrange();
    sim.createIssue({ repo: REPO, title: "t" });
    sim.lockIssue({ repo: REPO, issueNumber: 1 });
    const locked = await failure(
      octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "service", issue_number: 1, body: "hi" }),
    );
    expect(locked).toMatchObject({ status: 403, message: "Unable to create comment because issue is locked." });

    sim.updateRepository({ repo: REPO, hasIssues: false });
    expect(await failure(createIssue(octokit, { title: "t" }))).toMatchObject({ status: 410, message: "Issues are disabled for this repo" });

    sim.updateRepository({ repo: REPO, hasIssues: true, archived: true });
    expect(await failure(createIssue(octokit, { title: "t" }))).toMatchObject({ status: 403, message: "Repository was archived so is read-only." });
  });

  it("answers 403 without issues: write, 404 for a repository the installation lacks, and 404 for unknown routes", async () => {
    const sim: GitHubSimulator = createGitHubSimulator();
    sim.createInstallation({ id: 7, account: "acme", permissions: { issues: "read" }, repositories: ["service"] });
    sim.createRepository({ owner: "acme", name: "service" });
    sim.createRepository({ owner: "acme", name: "other" });
    const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 7 }), request: { fetch: sim.fetch } });
    expect(await failure(createIssue(octokit, { title: "t" }))).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
    const other = await failure(octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "other" }));
    expect(other).toMatchObject({ status: 404, message: "Not Found" });

    // A grant reaches tokens created after it, as on GitHub.
    sim.setInstallationPermissions({ installationId: 7, permissions: { issues: "write" } });
    expect(await failure(createIssue(octokit, { title: "t" }))).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
    const fresh = new Octokit({ auth: sim.createInstallationToken({ installationId: 7 }), request: { fetch: sim.fetch } });
    expect((await createIssue(fresh, { title: "t" })).status).toBe(201);

    expect(await failure(fresh.request("GET /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "service" }))).toMatchObject({ status: 404 });
    expect(await failure(fresh.request("DELETE /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service" } as never))).toMatchObject({ status: 404 });
    expect(sim.schemaViolations.map((violation) => violation.where)).toEqual(["route", "route"]);
  });

  it("adds labels, reacts to comments, and answers duplicate labels with already_exists", async () => {
    const { sim, octokit } = arrange();
    sim.createIssue({ repo: REPO, title: "t" });
    const { id } = sim.addComment({ repo: REPO, issueNumber: 1, body: "/audit suppress x", author: "dev" });
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { owner: "acme", repo: "service", issue_number: 1, labels: ["x", "y"] });
    await octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { owner: "acme", repo: "service", comment_id: id, content: "+1" });
    await octokit.request("POST /repos/{owner}/{repo}/labels", { owner: "acme", repo: "service", name: "z", color: "ff0000" });
    const duplicate = await failure(octokit.request("POST /repos/{owner}/{repo}/labels", { owner: "acme", repo: "service", name: "Z" }));
    expect(duplicate.status).toBe(422);
    expect(sim.issue(REPO, 1)).toMatchObject({ labels: ["x", "y"], comments: [{ author: "dev", byApp: false, reactions: ["+1"] }] });
    expect((await octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { owner: "acme", repo: "service", name: "z" })).data.color).toBe("ff0000");
  });
});

describe("paths", () => {
  it("answers 404 for a malformed path parameter, like GitHub, and still records it", async () => {
    const { sim, octokit } = arrange();
    const refused = await failure(octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: "abc" as unknown as number }));
    expect(refused).toMatchObject({ status: 404, message: "Not Found" });
    expect(sim.schemaViolations).toMatchObject([{ where: "path" }]);
  });

  it("decodes encoded path segments such as label names and file paths", async () => {
    const { sim, octokit } = arrange();
    sim.createLabel({ repo: REPO, name: "audit digest", color: "123456" });
    const label = await octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { owner: "acme", repo: "service", name: "audit digest" });
    expect(label.data.color).toBe("123456");
    expect(sim.requests.at(-1)?.path).toBe("/repos/acme/service/labels/audit%20digest");
  });
});
