/**
 * Why a repository gets no per-repository issue, from the error GitHub answered, or undefined
 * when the error is not about that repository (a rate limit, a server error: those fail the job,
 * which is retried or deferred, never skipped).
 */
export function repoIssueSkipReason(error: unknown): string | undefined {
  const { status, message, response } = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | number | undefined> };
  };
  const headers = response?.headers ?? {};
  const text = message ?? "";
  if (status === 404) return "not reachable by this installation";
  if (status === 410) return "issues are disabled there";
  if (status !== 403) return undefined;
  const rateLimited =
    String(headers["x-ratelimit-remaining"]) === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(text);
  if (rateLimited) return undefined;
  return /archived/i.test(text) ? "the repository is archived" : "the app may not write issues there";
}
