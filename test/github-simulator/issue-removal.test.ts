import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";

const ISSUE = "GET /repos/{owner}/{repo}/issues/{issue_number}";

function arrange({ installedOn = "all" }: { installedOn?: "all" | string[] } = {}) {
  const sim = createGitHubSimulator();
  sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" }, repositories: installedOn });
  sim.createRepository({ owner: "acme", name: "service", installationId: 1 });
  const other = sim.createRepository({ owner: "acme", name: "other" });
  sim.createLabel({ repo: "acme/other", name: "audit-digest" });
  const { number } = sim.createIssue({ repo: "acme/service", title: "Audit digest", labels: ["audit-digest", "only-here"], byApp: true });
  sim.addComment({ repo: "acme/service", issueNumber: number, body: "first" });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 1 }), request: { fetch: sim.fetch } });
  return { sim, octokit, number, otherId: other.id };
}

describe("deleted and transferred issues", () => {
  it("a deleted issue answers 410 where GitHub's description lists it, and its number is not given out again", async () => {
    const { sim, octokit, number } = arrange();
    const delivery = sim.deleteIssue({ repo: "acme/service", issueNumber: number, as: "admin-user" });
    expect(delivery).toMatchObject({
      event: "issues",
      payload: { action: "deleted", issue: { number, title: "Audit digest" }, repository: { full_name: "acme/service" }, sender: { login: "admin-user" }, installation: { id: 1 } },
    });

    const params = { owner: "acme", repo: "service", issue_number: number };
    const gone = { status: 410, message: "This issue was deleted" };
    expect(await requestFailure(octokit.request(ISSUE, params))).toMatchObject(gone);
    expect(await requestFailure(octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...params, body: "x" }))).toMatchObject(gone);
    expect(await requestFailure(octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...params, body: "x" }))).toMatchObject(gone);
    // Unlocking lists no 410: a plain 404.
    expect(await requestFailure(octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/lock", params))).toMatchObject({ status: 404 });

    const listed = await octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", state: "all" });
    expect(listed.data).toEqual([]);
    const next = await octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", title: "again" });
    expect(next.data.number).toBe(number + 1);
    expect(sim.issue("acme/service", number)).toBeUndefined();
    sim.assertNoViolations();
  });

  it("a transferred issue answers 301 to its new place by repository id, which clients follow, writes included", async () => {
    const { sim, octokit, number, otherId } = arrange();
    sim.createIssue({ repo: "acme/other", title: "already there" });
    const delivery = sim.transferIssue({ repo: "acme/service", issueNumber: number, to: "acme/other" });
    expect(delivery.number).toBe(2);
    expect(delivery.payload).toMatchObject({
      action: "transferred",
      issue: { number, repository_url: expect.stringMatching(/\/repos\/acme\/service$/) },
      changes: { new_issue: { number: 2, repository_url: expect.stringMatching(/\/repos\/acme\/other$/) }, new_repository: { full_name: "acme/other" } },
      repository: { full_name: "acme/service" },
      installation: { id: 1 },
    });
    expect(sim.issue("acme/other", 2)).toMatchObject({ title: "Audit digest", labels: ["audit-digest"], comments: [expect.objectContaining({ body: "first" })] });

    const params = { owner: "acme", repo: "service", issue_number: number };
    const moved = await octokit.request(ISSUE, { ...params, request: { redirect: "manual" } });
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`https://api.github.com/repositories/${otherId}/issues/2`);
    const followed = await octokit.request(ISSUE, params);
    expect(followed.data).toMatchObject({ number: 2, repository_url: "https://api.github.com/repos/acme/other" });

    // A PATCH follows the 301 as it was sent (the fetch standard): it lands in the other repository.
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...params, body: "edited" });
    expect(sim.issue("acme/other", 2)?.body).toBe("edited");
    expect(sim.writes().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      `PATCH /repos/acme/service/issues/${number} 301`,
      "PATCH /repos/acme/other/issues/2 200",
    ]);
    sim.assertNoViolations();
  });

  it("a caller who cannot see the new repository gets 404 for a transferred issue", async () => {
    const { sim, octokit, number } = arrange({ installedOn: ["acme/service"] });
    sim.transferIssue({ repo: "acme/service", issueNumber: number, to: "acme/other" });
    expect(await requestFailure(octokit.request(ISSUE, { owner: "acme", repo: "service", issue_number: number }))).toMatchObject({ status: 404 });
    sim.assertNoViolations();
  });
});
