import { describe, expect, it } from "vitest";
import { repoIssueSkipReason } from "../../src/repo-issues/repo-issue-skip-reason.js";

const error = (status: number, message = "", headers: Record<string, string> = {}) => Object.assign(new Error(message), { status, response: { headers } });

describe("repoIssueSkipReason", () => {
  it("skips repositories that are out of reach, have issues disabled, are archived or refuse the write", () => {
    expect(repoIssueSkipReason(error(404, "Not Found"))).toBe("not reachable by this installation");
    expect(repoIssueSkipReason(error(410, "Issues are disabled for this repo"))).toBe("issues are disabled there");
    expect(repoIssueSkipReason(error(403, "Repository was archived so is read-only."))).toBe("the repository is archived");
    expect(repoIssueSkipReason(error(403, "Resource not accessible by integration"))).toBe("the app may not write issues there");
  });

  it("never skips on rate limits or other failures: those fail the job, which is retried or deferred", () => {
    expect(repoIssueSkipReason(error(403, "API rate limit exceeded"))).toBeUndefined();
    expect(repoIssueSkipReason(error(403, "Forbidden", { "x-ratelimit-remaining": "0" }))).toBeUndefined();
    expect(repoIssueSkipReason(error(403, "You have exceeded a secondary rate limit", { "retry-after": "60" }))).toBeUndefined();
    expect(repoIssueSkipReason(error(500, "Server Error"))).toBeUndefined();
    expect(repoIssueSkipReason(new Error("network"))).toBeUndefined();
  });
});
