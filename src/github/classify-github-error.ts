/**
 * What a failed GitHub request means for the job that made it:
 * - `rate-limit`: the installation's primary budget is spent (`x-ratelimit-remaining: 0`);
 *   nothing succeeds before `until`, the window's reset;
 * - `secondary-rate-limit`: GitHub's abuse detection refused it; try again at `until`
 *   (`retry-after`, or a minute when GitHub gave none, as its documentation asks);
 * - `transient`: a 5xx or a network failure, worth a retry with backoff;
 * - `permission`: the app may not do this here, and retrying will not change that until
 *   someone acts (see `PermissionCause`); `reason` says so in a sentence;
 * - `not-found`: the resource itself does not exist, is gone, or is blocked (404 on an issue,
 *   a file or a check run; 410 other than disabled issues; 451);
 * - `bad-request`: GitHub refused what was sent (400, 422 and the other 4xx): our own mistake,
 *   never retried;
 * - `other`: not an HTTP failure from GitHub (a bug, a parse error) or no error status (304).
 *
 * `status` and `githubMessage` (GitHub's own words, e.g. "Resource not accessible by
 * integration") are kept for the people who must act on it.
 */
export type GitHubErrorClass =
  | { kind: "rate-limit"; until: Date }
  | { kind: "secondary-rate-limit"; until: Date }
  | { kind: "transient" }
  | { kind: "permission"; cause: PermissionCause; status: number; githubMessage: string; reason: string }
  | { kind: "not-found"; status: number; githubMessage: string }
  | { kind: "bad-request"; status: number; githubMessage: string }
  | { kind: "other" };

/**
 * Why the app may not write:
 * - `forbidden`: a 403 that is no rate limit, such as "Resource not accessible by integration"
 *   (the installation lacks a permission);
 * - `archived`: a 403 because the repository is archived, so read-only;
 * - `issues-disabled`: a 410 because the repository has issues turned off;
 * - `unreachable`: a 404 on the repository itself (or one of its collections, such as its issues
 *   or labels): the installation does not cover it, or it does not exist;
 * - `unauthorized`: a 401: GitHub did not accept the app's credentials.
 */
export type PermissionCause = "forbidden" | "archived" | "issues-disabled" | "unreachable" | "unauthorized";

/**
 * Seconds to wait after a rate limit that named no time (no `retry-after`, no reset): GitHub
 * asks to wait at least one minute.
 */
export const RATE_LIMIT_FALLBACK_SECONDS = 60;

const SECONDARY_RATE_LIMIT_MESSAGE = /\bsecondary rate limit\b/i;
const PRIMARY_RATE_LIMIT_MESSAGE = /\bAPI rate limit exceeded\b/i;
const ARCHIVED_MESSAGE = /\barchived\b/i;
const ISSUES_DISABLED_MESSAGE = /\bissues (are|have been) disabled\b/i;
/** `/repos/{owner}/{repo}` or one of its collections (`/issues`, `/labels`, …), nothing deeper. */
const REPOSITORY_PATH = /\/repos\/[^/]+\/[^/]+(?:\/[a-z_-]+)?\/?$/i;

const REASONS: Record<PermissionCause, string> = {
  forbidden: "the app lacks a permission it needs here",
  archived: "the repository is archived, so it is read-only",
  "issues-disabled": "issues are disabled in the repository",
  unreachable: "the repository is not reachable by the app's installation (not installed there, or it does not exist)",
  unauthorized: "GitHub did not accept the app's credentials",
};

interface HttpFailure {
  status: number;
  /** GitHub's `message` from the response body, else the error's message. */
  githubMessage: string;
  headers: Record<string, unknown>;
  /** The request's URL path, when Octokit recorded it. */
  path: string | undefined;
}

/** Sorts an error thrown by an Octokit request into the kinds above; `now` anchors `until`. */
export function classifyGitHubError(error: unknown, now: Date = new Date()): GitHubErrorClass {
  const failure = readHttpFailure(error);
  if (!failure) return { kind: "other" };
  const { status, headers, githubMessage } = failure;
  if (status === 403 || status === 429) {
    if (String(headers["x-ratelimit-remaining"]) === "0" || PRIMARY_RATE_LIMIT_MESSAGE.test(githubMessage)) {
      const reset = Number(headers["x-ratelimit-reset"]);
      // A reset already passed (clocks differ) still waits a second rather than retrying at once.
      const until = Number.isFinite(reset) ? Math.max(reset * 1000, now.getTime() + 1000) : now.getTime() + RATE_LIMIT_FALLBACK_SECONDS * 1000;
      return { kind: "rate-limit", until: new Date(until) };
    }
    const retryAfter = Number(headers["retry-after"]);
    const hasRetryAfter = headers["retry-after"] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0;
    if (hasRetryAfter || status === 429 || SECONDARY_RATE_LIMIT_MESSAGE.test(githubMessage)) {
      const seconds = hasRetryAfter ? Math.max(retryAfter, 1) : RATE_LIMIT_FALLBACK_SECONDS;
      return { kind: "secondary-rate-limit", until: new Date(now.getTime() + seconds * 1000) };
    }
    return permission(ARCHIVED_MESSAGE.test(githubMessage) ? "archived" : "forbidden", failure);
  }
  if (status >= 500) return { kind: "transient" };
  if (status === 401) return permission("unauthorized", failure);
  if (status === 410 && ISSUES_DISABLED_MESSAGE.test(githubMessage)) return permission("issues-disabled", failure);
  if (status === 404 && failure.path !== undefined && REPOSITORY_PATH.test(failure.path)) return permission("unreachable", failure);
  if (status === 404 || status === 410 || status === 451) return { kind: "not-found", status, githubMessage };
  if (status >= 400) return { kind: "bad-request", status, githubMessage };
  return { kind: "other" };
}

function permission(cause: PermissionCause, failure: HttpFailure): GitHubErrorClass {
  return { kind: "permission", cause, status: failure.status, githubMessage: failure.githubMessage, reason: REASONS[cause] };
}

/**
 * The status, message, headers and URL path of an Octokit `RequestError` (or anything shaped
 * like one: several copies of `@octokit/request-error` may be loaded, so no `instanceof`).
 */
function readHttpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, message, response, request } = error as { status?: unknown; message?: unknown; response?: unknown; request?: unknown };
  if (typeof status !== "number" || !Number.isInteger(status)) return undefined;
  const { headers, data } = typeof response === "object" && response !== null ? (response as { headers?: unknown; data?: unknown }) : {};
  const bodyMessage = typeof data === "object" && data !== null ? (data as { message?: unknown }).message : undefined;
  const url = typeof request === "object" && request !== null ? (request as { url?: unknown }).url : undefined;
  return {
    status,
    githubMessage: typeof bodyMessage === "string" ? bodyMessage : typeof message === "string" ? message : "",
    headers: typeof headers === "object" && headers !== null ? (headers as Record<string, unknown>) : {},
    path: typeof url === "string" ? urlPath(url) : undefined,
  };
}

function urlPath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
