import { classifyGitHubError } from "../github/classify-github-error.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/** An issue as GitHub has it now. */
export interface LiveIssue {
  number: number;
  state: string;
  body: string;
  title: string;
  url: string;
}

/**
 * The issue `owner/repo#issueNumber` as it is now, or undefined when it was deleted, transferred
 * away, is in a repository that disabled issues, or is locked (a locked issue is replaced).
 */
export async function getLiveIssue({
  octokit,
  repository,
  issueNumber,
}: {
  octokit: InstallationOctokit;
  repository: string;
  issueNumber: number;
}): Promise<LiveIssue | undefined> {
  const [owner, repo] = repository.split("/") as [string, string];
  try {
    const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: issueNumber });
    // A transferred issue answers 301 to its new repository, and the client follows it: that issue
    // is no longer ours to write (a write to the old address would follow too), so it is replaced.
    if (!data.repository_url.toLowerCase().endsWith(`/repos/${repository.toLowerCase()}`)) return undefined;
    if (data.locked || data.pull_request) return undefined;
    return { number: data.number, state: data.state, body: data.body ?? "", title: data.title, url: data.html_url };
  } catch (error) {
    // Gone (404, 410) or in a repository that disabled issues: replaced, like a locked one.
    const failure = classifyGitHubError(error);
    if (failure.kind === "not-found" || (failure.kind === "permission" && (failure.cause === "issues-disabled" || failure.cause === "unreachable"))) return undefined;
    throw error;
  }
}
