import { classifyGitHubError } from "../github/classify-github-error.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/** Roles that may run commands that change anything. */
const WRITER_ROLES = new Set(["admin", "maintain", "write"]);

export type CommenterPermission = { allowed: true; role: string } | { allowed: false; role: string | null; problem?: string };

/**
 * Whether `username` has write, maintain or admin permission on the repository, asked from
 * GitHub (never guessed from `author_association`). Fails closed: when GitHub cannot say, the
 * answer is "not allowed" with the reason; only a rate limit is thrown, so the job waits for
 * the budget and asks again.
 */
export async function checkCommenterPermission({
  octokit,
  owner,
  repo,
  username,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  username: string;
}): Promise<CommenterPermission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    const role = data.role_name || data.permission;
    const allowed = WRITER_ROLES.has(data.permission) || WRITER_ROLES.has(data.role_name);
    return allowed ? { allowed: true, role } : { allowed: false, role };
  } catch (error) {
    const kind = classifyGitHubError(error).kind;
    if (kind === "rate-limit" || kind === "secondary-rate-limit") throw error;
    return { allowed: false, role: null, problem: kind === "not-found" ? "GitHub does not know this user as a collaborator" : "GitHub could not tell the permission" };
  }
}
