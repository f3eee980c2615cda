/**
 * What a failed GitHub request means for the job that made it:
 * - `rate-limit`: the installation's primary budget is spent (`x-ratelimit-remaining: 0`);
 *   nothing succeeds before `until`, the window's reset;
 * - `secondary-rate-limit`: GitHub's abuse detection refused it; try again at `until`
 *   (`retry-after`, or a minute when GitHub gave none, as its documentation asks);
 * - `transient`: a 5xx or a network failure, worth a retry with backoff;
 * - `permission`: bad credentials or a permission the app lacks (401, 403);
 * - `not-found`: the resource does not exist, is gone, or is out of the app's reach (404, 410, 451);
 * - `bad-request`: GitHub refused what was sent (400, 422 and the other 4xx);
 * - `other`: not an HTTP failure from GitHub (a bug, a parse error) or no error status (304).
 */
export type GitHubErrorClass =
  | { kind: "rate-limit"; until: Date }
  | { kind: "secondary-rate-limit"; until: Date }
  | { kind: "transient" }
  | { kind: "permission" }
  | { kind: "not-found" }
  | { kind: "bad-request" }
  | { kind: "other" };

/**
 * Seconds to wait after a rate limit that named no time (no `retry-after`, no reset): GitHub
 * asks to wait at least one minute.
 */
export const RATE_LIMIT_FALLBACK_SECONDS = 60;

const SECONDARY_RATE_LIMIT_MESSAGE = /\bsecondary rate limit\b/i;

interface HttpFailure {
  status: number;
  message: string;
  headers: Record<string, unknown>;
}

/** Sorts an error thrown by an Octokit request into the kinds above; `now` anchors `until`. */
export function classifyGitHubError(error: unknown, now: Date = new Date()): GitHubErrorClass {
  const failure = readHttpFailure(error);
  if (!failure) return { kind: "other" };
  const { status, headers } = failure;
  if (status === 403 || status === 429) {
    if (String(headers["x-ratelimit-remaining"]) === "0") {
      const reset = Number(headers["x-ratelimit-reset"]);
      // A reset already passed (clocks differ) still waits a second rather than retrying at once.
      const until = Number.isFinite(reset) ? Math.max(reset * 1000, now.getTime() + 1000) : now.getTime() + RATE_LIMIT_FALLBACK_SECONDS * 1000;
      return { kind: "rate-limit", until: new Date(until) };
    }
    const retryAfter = Number(headers["retry-after"]);
    const hasRetryAfter = headers["retry-after"] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0;
    if (hasRetryAfter || status === 429 || SECONDARY_RATE_LIMIT_MESSAGE.test(failure.message)) {
      const seconds = hasRetryAfter ? Math.max(retryAfter, 1) : RATE_LIMIT_FALLBACK_SECONDS;
      return { kind: "secondary-rate-limit", until: new Date(now.getTime() + seconds * 1000) };
    }
    return { kind: "permission" };
  }
  if (status >= 500) return { kind: "transient" };
  if (status === 401) return { kind: "permission" };
  if (status === 404 || status === 410 || status === 451) return { kind: "not-found" };
  if (status >= 400) return { kind: "bad-request" };
  return { kind: "other" };
}

/**
 * The status, message and response headers of an Octokit `RequestError` (or anything shaped
 * like one: several copies of `@octokit/request-error` may be loaded, so no `instanceof`).
 */
function readHttpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, message, response } = error as { status?: unknown; message?: unknown; response?: unknown };
  if (typeof status !== "number" || !Number.isInteger(status)) return undefined;
  const headers = typeof response === "object" && response !== null ? (response as { headers?: unknown }).headers : undefined;
  return {
    status,
    message: typeof message === "string" ? message : "",
    headers: typeof headers === "object" && headers !== null ? (headers as Record<string, unknown>) : {},
  };
}
