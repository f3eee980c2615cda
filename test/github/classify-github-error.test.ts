import { describe, expect, it } from "vitest";
import { classifyGitHubError } from "../../src/github/classify-github-error.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000);

/** What Octokit throws for a GitHub answer: a `RequestError` with the status, message and response headers. */
function answered(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { name: "HttpError", status, response: { status, headers, data: { message } } });
}

describe("classifyGitHubError", () => {
  it.each([
    ["a 403 with no requests left is the primary limit, until the reset", answered(403, "API rate limit exceeded for installation ID 1.", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 + 900) }), { kind: "rate-limit", until: at(900) }],
    ["a 429 with no requests left is the primary limit too", answered(429, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 + 60) }), { kind: "rate-limit", until: at(60) }],
    ["a reset already passed (clocks differ) still waits a second", answered(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW.getTime() / 1000 - 30) }), { kind: "rate-limit", until: at(1) }],
    ["a secondary limit waits its retry-after", answered(403, "You have exceeded a secondary rate limit.", { "x-ratelimit-remaining": "4000", "retry-after": "30" }), { kind: "secondary-rate-limit", until: at(30) }],
    ["a secondary limit without retry-after waits a minute", answered(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."), { kind: "secondary-rate-limit", until: at(60) }],
    ["a 429 without headers is a secondary limit of a minute", answered(429, "Too Many Requests"), { kind: "secondary-rate-limit", until: at(60) }],
    ["a missing permission", answered(403, "Resource not accessible by integration", { "x-ratelimit-remaining": "4999" }), { kind: "permission" }],
    ["bad credentials", answered(401, "Bad credentials"), { kind: "permission" }],
    ["a 404", answered(404, "Not Found"), { kind: "not-found" }],
    ["an expired artifact or disabled issues (410)", answered(410, "Gone"), { kind: "not-found" }],
    ["a repository blocked for legal reasons (451)", answered(451, "Repository access blocked"), { kind: "not-found" }],
    ["a validation failure (422)", answered(422, "Validation Failed"), { kind: "bad-request" }],
    ["a malformed request (400)", answered(400, "Problems parsing JSON"), { kind: "bad-request" }],
    ["a conflict (409)", answered(409, "Conflict"), { kind: "bad-request" }],
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
