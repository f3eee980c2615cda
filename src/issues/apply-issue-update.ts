import type { InstallationOctokit } from "../github/installation-octokit.js";
import { planIssueLifecycle, type IssueLifecycle } from "./plan-issue-lifecycle.js";

/** An issue the app keeps, as GitHub has it before this update. */
export interface KeptIssue {
  /** `owner/name` */
  repository: string;
  number: number;
  state: "open" | "closed";
  body: string;
  title: string;
}

/**
 * Brings a kept issue (a digest or a per-repository issue) to its rendered title and body and
 * the state the lifecycle rules give, in one PATCH, or none when nothing changes. An issue
 * `created` by this update is open and announces nothing: its body lists what is new.
 */
export async function applyIssueUpdate({
  octokit,
  issue,
  rendered,
  wantClosed,
  newCount,
  created = false,
}: {
  octokit: InstallationOctokit;
  issue: KeptIssue;
  rendered: { title: string; body: string };
  /** A complete, valid scan left nothing open. */
  wantClosed: boolean;
  /** Findings open now that were not open at the previous update. */
  newCount: number;
  created?: boolean;
}): Promise<{ lifecycle: IssueLifecycle; patched: string[] }> {
  const lifecycle: IssueLifecycle = created ? { state: "open", comment: null } : planIssueLifecycle({ state: issue.state, wantClosed, newCount });
  const patch = {
    ...(issue.body === rendered.body ? {} : { body: rendered.body }),
    ...(issue.title === rendered.title ? {} : { title: rendered.title }),
    ...lifecycle.change,
  };
  const patched = Object.keys(patch);
  if (patched.length > 0) {
    const [owner, repo] = issue.repository.split("/") as [string, string];
    await octokit.rest.issues.update({ owner, repo, issue_number: issue.number, ...patch });
  }
  return { lifecycle, patched };
}
