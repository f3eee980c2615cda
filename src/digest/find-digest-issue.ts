import type { InstallationOctokit } from "../jobs/job-context.js";
import { parseDigestMarker } from "./digest-marker.js";

export const DIGEST_LABEL = "audit-digest";

/**
 * Finds the digest issue of `auditId` when the database does not know it (a new database, a
 * restore): lists the repository's issues with the digest label, open and closed, page by page,
 * and reads each body's marker. Never the search API, which lags behind writes.
 */
export async function findDigestIssue({
  octokit,
  owner,
  repo,
  auditId,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  auditId: string;
}): Promise<{ number: number; state: string; locked: boolean; body: string; title: string } | undefined> {
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
      if (parseDigestMarker(issue.body ?? "")?.auditId === auditId) {
        return { number: issue.number, state: issue.state, locked: issue.locked, body: issue.body ?? "", title: issue.title };
      }
    }
  }
  return undefined;
}
