import type { Logger } from "pino";
import { mayWriteDigest } from "../config/may-write-digest.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import type { RepoIssuesStep } from "../digest/upsert-digest.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { perRepoIssues } from "./upsert-repo-issues.js";

/**
 * The per-repository step a digest update runs under the home's configuration: none in
 * issues.mode `digest`; in `per-repo`, issues only where the trust rule allows (the home and
 * its `digest.producers`), with the storm breaker's limit and, when given, the reason they
 * must wait (a low API budget).
 */
export function repoIssuesStep({
  config,
  home,
  octokit,
  log,
  github,
  fullListHint,
  blockedReason,
}: {
  config: RepoConfig;
  home: string;
  octokit: InstallationOctokit;
  log: Pick<Logger, "info">;
  /** Where issue links point, and this app's id (`APP_ID`), which lost issues must have been filed by. */
  github: { webHost: string; webProtocol: string; appId: number | undefined };
  fullListHint: string;
  blockedReason?: string;
}): RepoIssuesStep | undefined {
  if (config.issues.mode !== "per-repo") return undefined;
  return perRepoIssues({
    octokit,
    log,
    github,
    maxNew: config.issues.max_new_per_run,
    mayOpenIssue: (repository) => mayWriteDigest({ home, producers: config.digest.producers, repository }),
    fullListHint,
    ...(blockedReason === undefined ? {} : { blockedReason }),
  });
}
