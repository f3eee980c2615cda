import { classifyGitHubError, type PermissionCause } from "../github/classify-github-error.js";

const SKIP_REASONS: Record<PermissionCause, string> = {
  forbidden: "the app may not write issues there",
  archived: "the repository is archived",
  "issues-disabled": "issues are disabled there",
  unreachable: "not reachable by this installation",
  unauthorized: "GitHub did not accept the app's credentials",
};

/**
 * Why a repository gets no per-repository issue, from the error GitHub answered, or undefined
 * when the error is not about that repository (a rate limit, a server error, our own bad
 * request: those fail the job, which is retried or deferred, never skipped).
 */
export function repoIssueSkipReason(error: unknown): string | undefined {
  const failure = classifyGitHubError(error);
  if (failure.kind === "permission") return SKIP_REASONS[failure.cause];
  if (failure.kind === "not-found") return SKIP_REASONS.unreachable;
  return undefined;
}
