import { ProbotOctokit } from "probot";

export interface OctokitClassOptions {
  /** Times a request is retried after GitHub's primary rate limit before giving up. */
  rateLimitRetries?: number;
  /** Times a request is retried after a secondary rate limit (abuse detection). */
  secondaryRateLimitRetries?: number;
  /** Milliseconds waited per second of `retry-after`; 1,000 in production, less in tests. */
  retryAfterBaseValue?: number;
  /**
   * false turns request spacing and rate-limit retries off (tests that are not about them run
   * without GitHub's one-second spacing of writes); production keeps it on.
   */
  throttle?: boolean;
}

type ThrottleRequestOptions = { method: string; url: string; request: { retryCount: number } };
type OctokitWithLog = { log: { warn: (obj: object, msg: string) => void } };

/**
 * The Octokit class the app uses. Probot's default does not retry after a secondary rate limit;
 * here both limits retry a bounded number of times and log which installation hit them. The
 * function form of `defaults` keeps Probot's throttle state (the Redis connection when
 * `REDIS_URL` is set), which the object form would overwrite.
 */
export function createOctokitClass({
  rateLimitRetries = 2,
  secondaryRateLimitRetries = 3,
  retryAfterBaseValue,
  throttle: throttleEnabled = true,
}: OctokitClassOptions = {}): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: Record<string, unknown>): Record<string, unknown> => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    const installationId = readInstallationId(options);
    return {
      ...options,
      throttle: {
        ...throttle,
        enabled: throttleEnabled,
        ...(retryAfterBaseValue === undefined ? {} : { retryAfterBaseValue }),
        onRateLimit: retryBounded({ limit: rateLimitRetries, what: "GitHub rate limit reached", installationId }),
        onSecondaryRateLimit: retryBounded({ limit: secondaryRateLimitRetries, what: "GitHub secondary rate limit reached", installationId }),
      },
    };
  });
}

/** A throttle handler that retries up to `limit` times and logs each hit with the installation. */
function retryBounded({ limit, what, installationId }: { limit: number; what: string; installationId: number | undefined }) {
  return (retryAfter: number, request: ThrottleRequestOptions, octokit: OctokitWithLog): boolean => {
    const retry = request.request.retryCount < limit;
    octokit.log.warn({ installationId, method: request.method, url: request.url, retryAfter, retry }, what);
    return retry;
  };
}

function readInstallationId(options: Record<string, unknown>): number | undefined {
  const auth = options.auth as { installationId?: unknown } | undefined;
  return typeof auth?.installationId === "number" ? auth.installationId : undefined;
}
