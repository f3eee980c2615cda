/**
 * When a GitHub error is the primary rate limit (after the throttling plugin's bounded
 * retries), the time it resets; undefined for any other error. Such a job is deferred to that
 * time instead of spending its retries.
 */
export function rateLimitResetOf(error: unknown, now = new Date()): Date | undefined {
  const status = (error as { status?: unknown }).status;
  if (status !== 403 && status !== 429) return undefined;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  if (String(headers["x-ratelimit-remaining"]) === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    if (Number.isFinite(reset)) return new Date(Math.max(reset * 1000, now.getTime() + 1000));
  }
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now.getTime() + retryAfter * 1000);
  return undefined;
}
