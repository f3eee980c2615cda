import { ProbotOctokit } from "probot";
import { countGitHubRequests } from "../metrics/count-github-requests.js";
import type { Metrics } from "../metrics/create-metrics.js";
import { ConditionalReadCache } from "./conditional-read-cache.js";
import { conditionalReads } from "./conditional-reads.js";
import { resolveInPlaceRetryLimits, type InPlaceRetryLimits } from "./in-place-retry-limits.js";
import { noBlindRetries } from "./no-blind-retries.js";
import { checkSpacing, createSpacingGroups, type RequestSpacing, type SpacingGroups } from "./request-spacing.js";

export interface OctokitClassOptions extends Partial<InPlaceRetryLimits> {
  /**
   * Milliseconds waited per second of `retry-after` (throttling) and per second of backoff
   * (5xx retries); 1,000 in production, less in tests.
   */
  retryAfterBaseValue?: number;
  /**
   * false turns request spacing and rate-limit retries off (tests that are not about them run
   * without GitHub's one-second spacing of writes); production keeps it on.
   */
  throttle?: boolean;
  /**
   * Spacing of one installation's requests (see `RequestSpacing`); plugin-throttling's own
   * (GitHub's guidance) when omitted, as in production. Tests about throttling shorten it.
   */
  spacing?: RequestSpacing;
  /**
   * Where installations' conditional reads keep entity tags and bodies (see `conditionalReads`):
   * one bounded cache per class, so per process, unless one is given; false sends every read in full.
   */
  conditionalReads?: ConditionalReadCache | false;
  /** Where every request sent to GitHub and every secondary rate limit met are counted (`/metrics`). */
  metrics?: Pick<Metrics, "githubRequests" | "githubSecondaryRateLimits">;
}

/**
 * Statuses plugin-retry gives back at once: GitHub's answer will not change by asking again
 * (400, 401, 403, 404, 410, 422, 451), or a rate limit, which the throttling plugin and the
 * job's deferral handle (403, 429). Everything else (5xx, network failures) is retried.
 */
export const DO_NOT_RETRY_STATUSES: readonly number[] = [400, 401, 403, 404, 410, 422, 429, 451];

type ThrottleRequestOptions = { method: string; url: string };
type OctokitWithLog = { log: { warn: (obj: object, msg: string) => void } };

/**
 * The Octokit class the app uses. No request waits long in place, because a waiting job holds
 * its locks and database connection:
 * - a primary rate limit is never retried in place: the 403/429 reaches the job, which is
 *   deferred to `x-ratelimit-reset`;
 * - a secondary rate limit is retried in place only while `retry-after` is at most
 *   `maxRetryAfterInPlaceSeconds`, at most `secondaryRateLimitRetries` times; otherwise the
 *   job is deferred by `retry-after`;
 * - 5xx and network failures are retried `serverErrorRetries` times with backoff; other 4xx never;
 *   creates (issues, comments, check runs) and check run updates with annotations are not
 *   repeated blindly after a 5xx, since GitHub may have carried them out: their callers look
 *   first (`noBlindRetries`, `createOnce`).
 * The function form of `defaults` keeps Probot's throttle state (the Redis connection when
 * `REDIS_URL` is set), which the object form would overwrite. An installation's reads of its
 * configuration files and issues are conditional (`If-None-Match`), so unchanged ones cost no
 * rate-limit point.
 */
export function createOctokitClass({
  retryAfterBaseValue,
  throttle: throttleEnabled = true,
  conditionalReads: cache = new ConditionalReadCache(),
  metrics,
  spacing,
  ...given
}: OctokitClassOptions = {}): typeof ProbotOctokit {
  const limits = resolveInPlaceRetryLimits(given);
  if (retryAfterBaseValue !== undefined && !(Number.isFinite(retryAfterBaseValue) && retryAfterBaseValue >= 0)) {
    throw new RangeError(`retryAfterBaseValue must be a number of milliseconds from 0 (got ${retryAfterBaseValue})`);
  }
  if (spacing !== undefined) checkSpacing(spacing);
  const baseValue = retryAfterBaseValue === undefined ? {} : { retryAfterBaseValue };
  const Conditional = cache === false ? ProbotOctokit : ProbotOctokit.plugin(conditionalReads({ cache }));
  const Octokit = metrics === undefined ? Conditional : Conditional.plugin(countGitHubRequests(metrics.githubRequests));
  // One set of limiter groups per class (so per process), made on the first instance's Redis connection.
  let groups: SpacingGroups | undefined;
  return Octokit.plugin(noBlindRetries()).defaults((options: Record<string, unknown>): Record<string, unknown> => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    if (spacing !== undefined && groups === undefined) {
      const connection = throttle.connection as Parameters<typeof createSpacingGroups>[0]["connection"];
      groups = createSpacingGroups({ spacing, ...(connection ? { connection } : {}), ...(typeof throttle.timeout === "number" ? { timeout: throttle.timeout } : {}) });
    }
    const retry = (options.retry ?? {}) as Record<string, unknown>;
    const installationId = readInstallationId(options);
    return {
      ...options,
      throttle: {
        ...throttle,
        enabled: throttleEnabled,
        ...baseValue,
        ...groups,
        onRateLimit: (retryAfter: number, request: ThrottleRequestOptions, octokit: OctokitWithLog): boolean => {
          octokit.log.warn({ installationId, method: request.method, url: request.url, retryAfter }, "GitHub rate limit reached; the job waits in the queue for the reset");
          return false;
        },
        onSecondaryRateLimit: (retryAfter: number, request: ThrottleRequestOptions, octokit: OctokitWithLog, retryCount: number): boolean => {
          const retry = retryCount < limits.secondaryRateLimitRetries && retryAfter <= limits.maxRetryAfterInPlaceSeconds;
          metrics?.githubSecondaryRateLimits.inc({ action: retry ? "retried_in_place" : "job_deferred" });
          octokit.log.warn(
            { installationId, method: request.method, url: request.url, retryAfter, retryCount, retry },
            retry ? "GitHub secondary rate limit reached; retrying after retry-after" : "GitHub secondary rate limit reached; the job waits in the queue instead",
          );
          return retry;
        },
      },
      retry: {
        ...retry,
        doNotRetry: [...DO_NOT_RETRY_STATUSES],
        retries: limits.serverErrorRetries,
        ...baseValue,
      },
    };
  });
}

function readInstallationId(options: Record<string, unknown>): number | undefined {
  const auth = options.auth as { installationId?: unknown } | undefined;
  return typeof auth?.installationId === "number" ? auth.installationId : undefined;
}
