import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure, type GitHubSimulatorOptions } from "../support/github-simulator/index.js";

const owner = "acme";
const repo = "service";

function arrange(options: GitHubSimulatorOptions = {}) {
  let clock = Date.parse("2025-01-01T00:00:00Z");
  const sim = createGitHubSimulator({ now: () => clock, ...options });
  sim.createInstallation({ id: 42, account: owner, permissions: { issues: "write", checks: "write" } });
  sim.createRepository({ owner, name: repo });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 42 }), request: { fetch: sim.fetch } });
  return {
    sim,
    octokit,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("primary rate limit", () => {
  it("counts down per installation and resets an hour after the window started", async () => {
    const { sim, octokit, advance } = arrange({ rateLimit: { limit: 3 } });
    const listIssues = () => octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo });
    const first = await listIssues();
    expect(first.headers["x-ratelimit-limit"]).toBe("3");
    expect(first.headers["x-ratelimit-remaining"]).toBe("2");
    expect(first.headers["x-ratelimit-used"]).toBe("1");
    expect(first.headers["x-ratelimit-resource"]).toBe("core");
    const reset = Number(first.headers["x-ratelimit-reset"]);
    expect(reset).toBe(Date.parse("2025-01-01T01:00:00Z") / 1000);
    advance(10 * 60 * 1000);
    expect((await listIssues()).headers["x-ratelimit-remaining"]).toBe("1");
    expect((await listIssues()).headers["x-ratelimit-remaining"]).toBe("0");

    const refused = await requestFailure(listIssues());
    expect(refused).toMatchObject({ status: 403, message: "API rate limit exceeded for installation ID 42." });
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    expect(refused.headers["x-ratelimit-reset"]).toBe(String(reset));
    const limit = await octokit.request("GET /rate_limit");
    expect(limit.data.resources.core).toMatchObject({ limit: 3, remaining: 0, used: 3 });

    advance(50 * 60 * 1000);
    // The installation token has expired too (tokens live an hour); a renewed one sees the new window.
    expect(await requestFailure(listIssues())).toMatchObject({ status: 401, message: "Bad credentials" });
    const renewed = new Octokit({ auth: sim.createInstallationToken({ installationId: 42 }), request: { fetch: sim.fetch } });
    const afterReset = await renewed.request("GET /repos/{owner}/{repo}/issues", { owner, repo });
    expect(afterReset.headers["x-ratelimit-remaining"]).toBe("2");
    expect(Number(afterReset.headers["x-ratelimit-reset"])).toBe(reset + 3600);
  });
});

describe("secondary rate limits", () => {
  it("refuses a burst of content-creating requests with retry-after, and admits again a minute later", async () => {
    const { sim, octokit, advance } = arrange({ secondaryLimits: { contentCreatingPerMinute: 5 } });
    const create = (index: number) => octokit.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: `issue ${index}` });
    for (let index = 0; index < 5; index += 1) await create(index);
    advance(20_000);
    const refused = await requestFailure(create(5));
    expect(refused.status).toBe(403);
    expect(refused.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(refused.headers["retry-after"]).toBe("40");
    expect(sim.issues(`${owner}/${repo}`)).toHaveLength(5);
    // Reads are not content-creating.
    await octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo });
    advance(40_000);
    expect((await create(6)).status).toBe(201);
  });

  it("refuses requests beyond the concurrency limit", async () => {
    const { sim, octokit } = arrange({ secondaryLimits: { concurrent: 2 } });
    sim.injectFault({ route: "GET /repos/{owner}/{repo}/issues", latencyMs: 50 });
    const results = await Promise.allSettled([1, 2, 3].map(() => octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.reason).toMatchObject({ status: 403, response: { headers: { "retry-after": "1" } } });
  });
});

describe("search", () => {
  it("does not see an issue created less than the lag ago", async () => {
    const { sim, octokit, advance } = arrange({ searchLagMs: 30_000 });
    await octokit.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "Audit digest abc", labels: ["audit-digest"] });
    sim.createIssue({ repo: `${owner}/${repo}`, title: "unrelated" });
    const q = `repo:${owner}/${repo} is:issue label:audit-digest "digest abc"`;
    const early = await octokit.request("GET /search/issues", { q });
    expect(early.data.total_count).toBe(0);
    expect(early.headers["x-ratelimit-resource"]).toBe("search");
    expect(early.headers["x-ratelimit-limit"]).toBe("30");
    advance(30_000);
    const later = await octokit.request("GET /search/issues", { q });
    expect(later.data.items.map((item) => item.title)).toEqual(["Audit digest abc"]);
  });
});

describe("fault injection", () => {
  it("fails a route a given number of times with GitHub's texts, then recovers", async () => {
    const { sim, octokit } = arrange();
    const fault = sim.injectFault({ method: "POST", route: "/repos/{owner}/{repo}/issues", status: 403, times: 2 });
    const create = () => octokit.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    expect(await requestFailure(create())).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
    expect(await requestFailure(create())).toMatchObject({ status: 403 });
    expect((await create()).status).toBe(201);
    expect(fault.fired).toBe(2);
    sim.injectFault({ route: "/repos/{owner}/{repo}/issues", method: "GET", status: 502, retryAfter: 3, message: "Bad gateway" });
    const failed = await requestFailure(octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo }));
    expect(failed).toMatchObject({ status: 502, message: "Bad gateway", headers: { "retry-after": "3" } });
    sim.clearFaults();
    expect((await octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo })).status).toBe(200);
    expect(sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues", status: 403 })).toBe(2);
  });

  it("fails a seeded, repeatable share of requests", async () => {
    const outcomes = async () => {
      const { sim, octokit } = arrange({ seed: 7 });
      sim.injectFault({ route: "GET /repos/{owner}/{repo}/issues", status: 500, rate: 0.5 });
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1) {
        statuses.push(await octokit.request("GET /repos/{owner}/{repo}/issues", { owner, repo }).then((response) => response.status, (error: { status: number }) => error.status));
      }
      return statuses;
    };
    const first = await outcomes();
    expect(first).toEqual(await outcomes());
    const failures = first.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(17);
  });
});
