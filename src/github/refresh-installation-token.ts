import type { InstallationOctokit } from "./installation-octokit.js";

/**
 * Mints a new token for the installation an Octokit is authenticated as, bypassing the token
 * cache of `@octokit/auth-app` (shared by every Octokit of the app, and kept up to an hour). A
 * token keeps the permissions it was minted with, so after `installation.new_permissions_accepted`
 * only a new one carries what was granted; the new token replaces the cached one for every later
 * request of the installation.
 */
export async function refreshInstallationToken(octokit: InstallationOctokit): Promise<void> {
  await octokit.auth({ type: "installation", refresh: true });
}
