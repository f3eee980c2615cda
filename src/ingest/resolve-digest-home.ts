import type { GateResult } from "../checks/gate-result.js";
import { fetchRepoConfig } from "../config/fetch-repo-config.js";
import { mayWriteDigest } from "../config/may-write-digest.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/** Where a run's digest lives and the configuration that governs it there. */
export type DigestHome =
  | {
      ok: true;
      /** `owner/name` of the home repository. */
      home: string;
      /** The home's configuration: digest, issues, rate and suppressions come from here. */
      config: RepoConfig;
      /** The file it was read from, for messages. */
      source: string;
    }
  | { ok: false; result: Extract<GateResult, { kind: "refused" | "config_invalid" }> };

/**
 * The home of a run's digests and whether the run may write there (see `mayWriteDigest`):
 * 1. the home is the run configuration's `digest.repository`, else the run's own repository,
 *    whose configuration then governs everything;
 * 2. a home in another account is refused (it is outside the installation);
 * 3. otherwise the home's configuration (its own file, or the organisation's `.github` one) is
 *    read, and the run is refused unless its repository matches the home's `digest.producers`.
 * A refusal names the rule and the configuration key that would allow the run.
 */
export async function resolveDigestHome({
  octokit,
  runRepository,
  runConfig,
  runConfigSource,
}: {
  octokit: InstallationOctokit;
  runRepository: string;
  runConfig: RepoConfig;
  runConfigSource: string;
}): Promise<DigestHome> {
  const home = runConfig.digest.repository ?? runRepository;
  if (home.toLowerCase() === runRepository.toLowerCase()) return { ok: true, home: runRepository, config: runConfig, source: runConfigSource };

  const [homeOwner, homeRepo] = home.split("/") as [string, string];
  const runOwner = runRepository.split("/")[0] ?? "";
  if (homeOwner.toLowerCase() !== runOwner.toLowerCase()) {
    return {
      ok: false,
      result: {
        kind: "refused",
        reason: `digest.repository in ${runConfigSource} names ${home}, which is outside this installation's account (${runOwner})`,
        allow: `point digest.repository at a repository of ${runOwner}`,
      },
    };
  }
  const loaded = await fetchRepoConfig({ octokit, owner: homeOwner, repo: homeRepo });
  if (!loaded.ok) return { ok: false, result: { kind: "config_invalid", error: loaded.error.message } };
  if (!mayWriteDigest({ home, producers: loaded.config.digest.producers, repository: runRepository })) {
    return {
      ok: false,
      result: {
        kind: "refused",
        reason: `${runRepository} may not write the digests of ${home}: ${loaded.source} does not list it in digest.producers`,
        allow: `add "${runRepository}" (or a pattern such as "${runOwner}/*") to digest.producers in ${home}'s .github/audit-digest.yml`,
      },
    };
  }
  return { ok: true, home, config: loaded.config, source: loaded.source };
}
