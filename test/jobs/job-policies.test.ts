import { describe, expect, it } from "vitest";
import { defaultInPlaceRetryLimits, longestInPlaceWaitSeconds } from "../../src/github/in-place-retry-limits.js";
import { jobPolicies } from "../../src/jobs/job-policies.js";

describe("job policies", () => {
  it("give every job kind at least twice the longest wait inside one GitHub request, so no job outlives its expiry while waiting", () => {
    // 3 secondary-limit retries of at most 60 s, and 3 server-error retries of at most 3² s.
    expect(longestInPlaceWaitSeconds(defaultInPlaceRetryLimits)).toBe(3 * 60 + 3 * 9);
    const tooShort = Object.entries(jobPolicies).filter(([, policy]) => policy.expireInSeconds < 2 * longestInPlaceWaitSeconds(defaultInPlaceRetryLimits));
    expect(tooShort).toEqual([]);
  });

  it("counts the larger retry count squared for each server-error retry", () => {
    expect(longestInPlaceWaitSeconds({ secondaryRateLimitRetries: 5, maxRetryAfterInPlaceSeconds: 10, serverErrorRetries: 2 })).toBe(5 * 10 + 2 * 25);
    expect(longestInPlaceWaitSeconds({ secondaryRateLimitRetries: 0, maxRetryAfterInPlaceSeconds: 60, serverErrorRetries: 4 })).toBe(4 * 16);
  });
});
