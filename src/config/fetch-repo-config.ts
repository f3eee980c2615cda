import { classifyGitHubError } from "../github/classify-github-error.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { parseRepoConfig, RepoConfigError } from "./load-repo-config.js";
import type { RepoConfig } from "./repo-config-schema.js";

/** Where repositories (and, as a fallback, the organisation's `.github` repository) keep the config. */
export const REPO_CONFIG_PATH = ".github/audit-digest.yml";

export type FetchRepoConfigResult = { ok: true; config: RepoConfig; source: string } | { ok: false; error: RepoConfigError };

/**
 * Reads `.github/audit-digest.yml` from the repository's default branch, or from the
 * organisation's `.github` repository when the repository has none (Probot's config plugin),
 * and validates it. An invalid file is a result naming the file and field, not an exception;
 * GitHub errors (5xx, rate limits) are thrown so the job is retried.
 */
export async function fetchRepoConfig({
  octokit,
  owner,
  repo,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
}): Promise<FetchRepoConfigResult> {
  let value: unknown;
  let source = `${owner}/${repo}:${REPO_CONFIG_PATH}`;
  try {
    const { config, files } = await octokit.config.get({ owner, repo, path: REPO_CONFIG_PATH });
    const file = files.find((f) => f.config !== null);
    if (file) source = `${file.owner}/${file.repo}:${file.path}`;
    value = file ? config : {};
  } catch (error) {
    // GitHub's answers (5xx, rate limits, permissions) are the job's to handle; the rest is the file's fault.
    if (classifyGitHubError(error).kind !== "other") throw error;
    const reason = error instanceof Error ? error.message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, "") : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message.split("\n")[0]}` : "";
    return { ok: false, error: new RepoConfigError(source, [{ path: "", message: `${reason}${cause}` }]) };
  }
  const parsed = parseRepoConfig({ source, value });
  return parsed.ok ? { ok: true, config: parsed.config, source } : parsed;
}
