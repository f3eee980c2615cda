import type { InstallationOctokit } from "../github/installation-octokit.js";

/** The label every issue the app files carries; it is how the app finds them again. */
export const DIGEST_LABEL = "audit-digest";

export interface LabelledIssue {
  number: number;
  state: string;
  body: string;
  title: string;
}

/**
 * Finds an issue the app filed when the database does not know it (a new database, a restore):
 * lists the repository's issues with the app's label, open and closed, oldest first, page by
 * page, and returns the first that this app filed and whose body `matches` (its marker). Never
 * the search API, which lags behind writes. Locked issues are passed over: they are replaced.
 * Errors (404: not reachable, 410: issues disabled) propagate.
 *
 * The label and the marker are not proof: anyone who may label issues can file a look-alike,
 * and adopting it would let them decide what the app later edits, closes or reopens. So only an
 * issue GitHub says this app created (`performed_via_github_app`) is adopted; without a known
 * app id (no `APP_ID`), only one a bot account opened.
 */
export async function findLabelledIssue({
  octokit,
  owner,
  repo,
  appId,
  matches,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  /** This app's id (`APP_ID`). */
  appId: number | undefined;
  matches: (body: string) => boolean;
}): Promise<LabelledIssue | undefined> {
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
      const filedByThisApp = appId === undefined ? issue.user?.type === "Bot" : issue.performed_via_github_app?.id === appId;
      if (!filedByThisApp) continue;
      const body = issue.body ?? "";
      if (matches(body)) return { number: issue.number, state: issue.state, body, title: issue.title };
    }
  }
  return undefined;
}
