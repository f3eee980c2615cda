import type { OctokitClassOptions } from "../../src/github/create-octokit-class.js";

/**
 * The app's Octokit for tests about rate limits: throttling on, as in production (the same
 * limiter path, rate-limit handlers and retries), with its waits shortened by options: a
 * millisecond per second of `retry-after` and 20 ms between one installation's writes.
 */
export const throttledOctokit: OctokitClassOptions = {
  retryAfterBaseValue: 1,
  spacing: { writeMs: 20, notificationMs: 20, searchMs: 20 },
};
