import { classifyGitHubError } from "./classify-github-error.js";

/**
 * When a GitHub error cannot be fixed by retrying — the app lacks a permission, the repository
 * is out of the installation's reach, issues are disabled, the repository is archived, the
 * resource is gone — a sentence saying so (with GitHub's status and message) for the people
 * reading the check run or the log; undefined for errors worth a retry (5xx, timeouts, rate
 * limits) and for our own bad requests, which fail the job loudly.
 */
export function describePermanentFailure(error: unknown): string | undefined {
  const failure = classifyGitHubError(error);
  if (failure.kind === "permission") return `${failure.reason} (${failure.status} ${failure.githubMessage})`;
  if (failure.kind === "not-found") return `it is not reachable by the app's installation, or no longer exists (${failure.status} ${failure.githubMessage})`;
  return undefined;
}
