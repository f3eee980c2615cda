import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure as failure } from "../support/github-simulator/index.js";

function arrange(permissions: Record<string, "read" | "write"> = { issues: "write", pull_requests: "read", metadata: "read" }) {
  const sim = createGitHubSimulator();
  const { id } = sim.createInstallation({ id: 1, account: "acme", permissions });
  sim.createRepository({ owner: "acme", name: "service" });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: id }), request: { fetch: sim.fetch } });
  return { sim, octokit };
}

const getPull = (octokit: Octokit, pullNumber: number) =>
  octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "acme", repo: "service", pull_number: pullNumber });

describe("pull requests", () => {
  it("a pull request shares the issues' numbers, answers with its head commit, and its issue says it is a pull request", async () => {
    const { sim, octokit } = arrange();
    sim.createIssue({ repo: "acme/service", title: "an issue" });
    const headSha = "b".repeat(40);
    const { number } = sim.createPullRequest({ repo: "acme/service", headSha, headRef: "fix-pay", fork: "someone/service" });
    expect(number).toBe(2);

    const { data } = await getPull(octokit, number);
    expect(data).toMatchObject({
      number: 2,
      state: "open",
      html_url: "https://github.com/acme/service/pull/2",
      head: { sha: headSha, ref: "fix-pay", label: "someone:fix-pay", repo: { full_name: "someone/service", fork: true } },
      base: { ref: "main", repo: { full_name: "acme/service" } },
    });
    const { data: issue } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: number });
    expect(issue.pull_request).toMatchObject({ url: expect.stringContaining("/repos/acme/service/pulls/2") });
    expect(sim.json.issue("acme/service", 1)).not.toHaveProperty("pull_request");
    sim.assertNoViolations();
  });

  it("an issue's number is no pull request: 404; without pull_requests permission: 403", async () => {
    const { sim, octokit } = arrange();
    sim.createIssue({ repo: "acme/service", title: "an issue" });
    expect((await failure(getPull(octokit, 1))).status).toBe(404);

    const noPulls = arrange({ issues: "write", metadata: "read" });
    const { number } = noPulls.sim.createPullRequest({ repo: "acme/service", headSha: "c".repeat(40) });
    expect((await failure(getPull(noPulls.octokit, number))).status).toBe(403);
  });
});
