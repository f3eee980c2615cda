import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { classifyGitHubError } from "../../src/github/classify-github-error.js";
import { createOctokitClass, type OctokitClassOptions } from "../../src/github/create-octokit-class.js";
import { failureOf } from "../support/failure-of.js";
import { createGitHubSimulator, type FaultSpec } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";
import { throttledOctokit } from "../support/throttled-octokit.js";

const owner = "acme";
const repo = "app";
const LIST_ISSUES = "GET /repos/{owner}/{repo}/issues";
const SECONDARY_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

/** The app's Octokit, throttling on, waits shortened (see `throttledOctokit`), against a fresh simulator. */
async function arrange({ octokit = throttledOctokit, fetch }: { octokit?: OctokitClassOptions; fetch?: (sim: ReturnType<typeof createGitHubSimulator>) => typeof globalThis.fetch } = {}) {
  const clock = Math.ceil(Date.now() / 1000) * 1000;
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID }, now: () => clock });
  sim.createInstallation({ id: 1, account: owner, permissions: { issues: "write", metadata: "read" } });
  sim.createRepository({ owner, name: repo });
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log: pino({ level: "silent" }),
    Octokit: createOctokitClass(octokit),
    request: { fetch: fetch ? fetch(sim) : sim.fetch },
  });
  const client = await probot.auth(1);
  return { sim, clock, listIssues: () => client.rest.issues.listForRepo({ owner, repo }) };
}

describe("primary rate limit", () => {
  it("is never waited out in place: the one 403 and its reset reach the caller", async () => {
    const { sim, clock, listIssues } = await arrange();
    const resetAt = clock + 20 * 60_000;
    sim.setRateLimit({ installationId: 1, remaining: 0, resetAt });

    const error = await failureOf(listIssues());

    expect(error).toMatchObject({ status: 403, response: { headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt / 1000) } } });
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(1);
    expect(classifyGitHubError(error, new Date(clock))).toEqual({ kind: "rate-limit", until: new Date(resetAt) });
  });
});

describe("secondary rate limit", () => {
  const secondary = (spec: Partial<FaultSpec>): FaultSpec => ({ route: LIST_ISSUES, status: 403, message: SECONDARY_MESSAGE, ...spec });

  it("is retried in place after a short retry-after, and the request succeeds", async () => {
    const { sim, listIssues } = await arrange();
    sim.injectFault(secondary({ retryAfter: 2, times: 2 }));
    const { status } = await listIssues();
    expect(status).toBe(200);
    expect(sim.requests.filter((r) => r.route === LIST_ISSUES).map((r) => r.status)).toEqual([403, 403, 200]);
  });

  it("as a 429 with the same message, is retried in place too", async () => {
    const { sim, listIssues } = await arrange();
    sim.injectFault(secondary({ status: 429, retryAfter: 1, times: 1 }));
    expect((await listIssues()).status).toBe(200);
    expect(sim.requests.filter((r) => r.route === LIST_ISSUES).map((r) => r.status)).toEqual([429, 200]);
  });

  it("is retried at most secondaryRateLimitRetries times (3), then reaches the caller", async () => {
    const { sim, clock, listIssues } = await arrange();
    sim.injectFault(secondary({ retryAfter: 5 }));
    const error = await failureOf(listIssues());
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(4);
    expect(classifyGitHubError(error, new Date(clock))).toEqual({ kind: "secondary-rate-limit", until: new Date(clock + 5_000) });
  });

  it("with a retry-after above maxRetryAfterInPlaceSeconds (60) is not waited out in place", async () => {
    const { sim, clock, listIssues } = await arrange();
    sim.injectFault(secondary({ retryAfter: 61 }));
    const error = await failureOf(listIssues());
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(1);
    expect(classifyGitHubError(error, new Date(clock))).toEqual({ kind: "secondary-rate-limit", until: new Date(clock + 61_000) });
  });

  it("at exactly maxRetryAfterInPlaceSeconds is still waited out, and the bound is an option", async () => {
    const { sim, listIssues } = await arrange({ octokit: { ...throttledOctokit, maxRetryAfterInPlaceSeconds: 10 } });
    sim.injectFault(secondary({ retryAfter: 10, times: 1 }));
    expect((await listIssues()).status).toBe(200);
    sim.injectFault(secondary({ retryAfter: 11, times: 1 }));
    await failureOf(listIssues());
    expect(sim.requests.filter((r) => r.route === LIST_ISSUES).map((r) => r.status)).toEqual([403, 200, 403]);
  });
});

describe("server errors and network failures", () => {
  it("a burst of 502s is retried with backoff and the request succeeds", async () => {
    const { sim, listIssues } = await arrange();
    sim.injectFault({ route: LIST_ISSUES, status: 502, times: 2 });
    expect((await listIssues()).status).toBe(200);
    expect(sim.requests.filter((r) => r.route === LIST_ISSUES).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("a 503 that persists is retried serverErrorRetries times (3), then reaches the caller", async () => {
    const { sim, clock, listIssues } = await arrange();
    sim.injectFault({ route: LIST_ISSUES, status: 503 });
    const error = await failureOf(listIssues());
    expect(error).toMatchObject({ status: 503 });
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(4);
    expect(classifyGitHubError(error, new Date(clock))).toEqual({ kind: "transient" });
  });

  it("a connection that fails before GitHub answers is retried like a 5xx", async () => {
    let dropped = 0;
    const { sim, listIssues } = await arrange({
      fetch: (sim) => async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.endsWith(`/repos/${owner}/${repo}/issues`) && dropped < 2) {
          dropped += 1;
          throw new TypeError("fetch failed");
        }
        return sim.fetch(input, init);
      },
    });
    expect((await listIssues()).status).toBe(200);
    expect(dropped).toBe(2);
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(1);
  });
});

describe("other client errors", () => {
  // 401 is left out: right after a token is minted, auth-app retries a 401 for up to five
  // seconds (GitHub may not know the new token yet); plugin-retry does not retry it either.
  it.each([400, 403, 404, 410, 422, 451] as const)("a %i is not retried: GitHub sees exactly one request", async (status) => {
    const { sim, listIssues } = await arrange();
    sim.injectFault({ route: LIST_ISSUES, status });
    expect(await failureOf(listIssues())).toMatchObject({ status });
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(1);
  });

  it("a 429 without the secondary-limit message is left to the job's deferral, not retried in place", async () => {
    const { sim, clock, listIssues } = await arrange();
    sim.injectFault({ route: LIST_ISSUES, status: 429, retryAfter: 30 });
    const error = await failureOf(listIssues());
    expect(sim.countRequests({ route: LIST_ISSUES })).toBe(1);
    expect(classifyGitHubError(error, new Date(clock))).toEqual({ kind: "secondary-rate-limit", until: new Date(clock + 30_000) });
  });
});

describe("request spacing", () => {
  it("spaces one installation's writes by spacing.writeMs: the option replaces plugin-throttling's one second", async () => {
    // Longer than the plugin's own spacing (1,000 ms), so gaps this wide can only come from the option.
    const writeMs = 1_600;
    const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
    sim.createInstallation({ id: 1, account: owner, permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner, name: repo });
    const issues = [1, 2, 3].map((i) => sim.createIssue({ repo: `${owner}/${repo}`, title: `issue ${i}` }).number);
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey,
      log: pino({ level: "silent" }),
      Octokit: createOctokitClass({ ...throttledOctokit, spacing: { writeMs, notificationMs: 0, searchMs: 0 } }),
      request: { fetch: sim.fetch },
    });
    const client = await probot.auth(1);
    // The installation token is minted by this read, so the writes are not held up by it.
    await client.rest.issues.listForRepo({ owner, repo });
    await Promise.all(issues.map((issue_number) => client.rest.issues.update({ owner, repo, issue_number, title: "edited" })));
    const arrivals = sim.writes({ route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}" }).map((w) => w.at);
    expect(arrivals).toHaveLength(3);
    // The simulator runs in this process: a write arrives the moment the limiter lets it go.
    expect(arrivals.slice(1).map((at, i) => at - arrivals[i]! >= writeMs - 50)).toEqual([true, true]);
  });
});

describe("options", () => {
  it.each([
    [{ secondaryRateLimitRetries: -1 }, "secondaryRateLimitRetries must be a whole number from 0 to 10 (got -1)"],
    [{ serverErrorRetries: 1.5 }, "serverErrorRetries must be a whole number from 0 to 10 (got 1.5)"],
    [{ maxRetryAfterInPlaceSeconds: 0 }, "maxRetryAfterInPlaceSeconds must be a number of seconds above 0 (got 0)"],
    [{ retryAfterBaseValue: Number.NaN }, "retryAfterBaseValue must be a number of milliseconds from 0 (got NaN)"],
    [{ spacing: { writeMs: -1, notificationMs: 0, searchMs: 0 } }, "spacing.writeMs must be a number of milliseconds from 0 (got -1)"],
  ] as const)("refuses %o, naming the option", (options, message) => {
    expect(() => createOctokitClass(options)).toThrow(message);
  });
});
