import { describe, expect, it } from "vitest";
import { classifyGitHubError } from "../../src/github/classify-github-error.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000);

/** What Octokit throws for a GitHub answer: a `RequestError` with the status, message and response headers. */
function answered(status: number, message: string, headers: Record<string, string> = {}, url = "https://api.github.com/repos/acme/app/issues/7") {
  return Object.assign(new Error(`${message} - https://docs.github.com/rest`), { name: "HttpError", status, request: { method: "GET", url, headers: {} }, response: { status, url, headers, data: { message } } });
}

describe("classifyGitHubError", () => {
  it.each([
    ["a 403 with no requests left is the primary limit, until the reset", answered(403, "API rate limit exceeded for installation ID 1.", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 + 900) }), { kind: "rate-limit", until: at(900) }],
    ["a 429 with no requests left is the primary limit too", answered(429, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 + 60) }), { kind: "rate-limit", until: at(60) }],
    ["a reset already passed (clocks differ) still waits a second", answered(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 - 30) }), { kind: "rate-limit", until: at(1) }],
    ["a secondary limit waits its retry-after", answered(403, "You have exceeded a secondary rate limit.", { "x-ratelimit-remaining": "4000", "retry-after": "30" }), { kind: "secondary-rate-limit", until: at(30) }],
    ["a secondary limit without retry-after waits a minute", answered(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."), { kind: "secondary-rate-limit", until: at(60) }],
    ["a 429 without headers is a secondary limit of a minute", answered(429, "Too Many Requests"), { kind: "secondary-rate-limit", until: at(60) }],
    ["an API rate limit message without headers is the primary limit, a minute", answered(403, "API rate limit exceeded for installation ID 1."), { kind: "rate-limit", until: at(60) }],
    ["a missing permission", answered(403, "Resource not accessible by integration", { "x-ratelimit-remaining": "4999" }), { kind: "permission", cause: "forbidden", status: 403, githubMessage: "Resource not accessible by integration", reason: "the app lacks a permission it needs here" }],
    ["another 403 that is no rate limit", answered(403, "Forbidden"), { kind: "permission", cause: "forbidden", status: 403, githubMessage: "Forbidden", reason: "the app lacks a permission it needs here" }],
    ["an archived repository", answered(403, "Repository was archived so is read-only."), { kind: "permission", cause: "archived", status: 403, githubMessage: "Repository was archived so is read-only.", reason: "the repository is archived, so it is read-only" }],
    ["disabled issues (410)", answered(410, "Issues are disabled for this repo"), { kind: "permission", cause: "issues-disabled", status: 410, githubMessage: "Issues are disabled for this repo", reason: "issues are disabled in the repository" }],
    ["a 404 on the repository's issues: the installation cannot see it", answered(404, "Not Found", {}, "https://api.github.com/repos/acme/app/issues"), { kind: "permission", cause: "unreachable", status: 404, githubMessage: "Not Found", reason: "the repository is not reachable by the app's installation (not installed there, or it does not exist)" }],
    ["a 404 on the repository itself (GitHub Enterprise path)", answered(404, "Not Found", {}, "https://ghe.example/api/v3/repos/acme/app"), { kind: "permission", cause: "unreachable", status: 404, githubMessage: "Not Found", reason: "the repository is not reachable by the app's installation (not installed there, or it does not exist)" }],
    ["bad credentials", answered(401, "Bad credentials"), { kind: "permission", cause: "unauthorized", status: 401, githubMessage: "Bad credentials", reason: "GitHub did not accept the app's credentials" }],
    ["a 404 on one issue", answered(404, "Not Found"), { kind: "not-found", status: 404, githubMessage: "Not Found" }],
    ["an expired artifact (410)", answered(410, "Gone"), { kind: "not-found", status: 410, githubMessage: "Gone" }],
    ["a repository blocked for legal reasons (451)", answered(451, "Repository access blocked"), { kind: "not-found", status: 451, githubMessage: "Repository access blocked" }],
    ["a validation failure (422)", answered(422, "Validation Failed"), { kind: "bad-request", status: 422, githubMessage: "Validation Failed" }],
    ["a malformed request (400)", answered(400, "Problems parsing JSON"), { kind: "bad-request", status: 400, githubMessage: "Problems parsing JSON" }],
    ["a conflict (409)", answered(409, "Conflict"), { kind: "bad-request", status: 409, githubMessage: "Conflict" }],
    ["a 502", answered(502, "Server Error"), { kind: "transient" }],
    ["a 503", answered(503, "Service Unavailable"), { kind: "transient" }],
    ["a network failure (Octokit reports status 500 without a response)", Object.assign(new Error("fetch failed"), { name: "HttpError", status: 500 }), { kind: "transient" }],
    ["an error that is not GitHub's", new Error("boom"), { kind: "other" }],
    ["a thrown string", "boom", { kind: "other" }],
    ["a 304 Not Modified", answered(304, ""), { kind: "other" }],
  ])("%s", (_name, error, expected) => {
    expect(classifyGitHubError(error, NOW)).toEqual(expected);
  });
});
