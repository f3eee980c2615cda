import type { InstallationOctokit } from "../jobs/job-context.js";
import { parseRepoIssueMarker } from "./digest-marker.js";
import { DIGEST_LABEL } from "./find-digest-issue.js";

/**
 * Finds the per-repository issue of `auditId` in `owner/repo` when the database does not know
 * it: lists the repository's issues with the digest label, open and closed, page by page, and
 * reads each body's marker. Never the search API, which lags behind writes. Locked issues are
 * passed over (they are replaced). Errors (404: not reachable, 410: issues disabled) propagate.
 */
export async function findRepoIssue({
  octokit,
  owner,
  repo,
  auditId,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  auditId: string;
}): Promise<{ number: number; state: string; body: string; title: string } | undefined> {
  const wanted = `${owner}/${repo}`.toLowerCase();
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    labels: DIGEST_LABEL,
    state: "all",
    sort: "created",
    direction: "asc",
    per_page: 100,
  });
  for await (const page of pages) {
    for (const issue of page.data) {
      if (issue.pull_request || issue.locked) continue;
      const marker = parseRepoIssueMarker(issue.body ?? "");
      if (marker?.auditId === auditId && marker.repo.toLowerCase() === wanted) {
        return { number: issue.number, state: issue.state, body: issue.body ?? "", title: issue.title };
      }
    }
  }
  return undefined;
}
