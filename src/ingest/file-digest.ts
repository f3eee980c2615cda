import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { fullListHint } from "../digest/full-list-hint.js";
import { upsertDigest, type UpsertDigestOutcome } from "../digest/upsert-digest.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import type { JobContext } from "../jobs/job-context.js";
import { repoIssuesStep } from "../repo-issues/repo-issues-step.js";

/**
 * Files or updates the digest of a valid artifact in its home, and in `issues.mode: per-repo`
 * the per-repository issues the trust rule allows (the digest only while the API budget is
 * below `rate.digest_only_below`). Ingests and fallback re-drives both file digests this way.
 */
export async function fileDigest({
  ctx,
  octokit,
  artifact,
  hits,
  home,
  config,
  headSha,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  /** The digest's home, `owner/name`; `config` is its configuration. */
  home: string;
  config: RepoConfig;
  /** The commit whose check run lists every finding. */
  headSha: string;
}): Promise<UpsertDigestOutcome> {
  const budget = ctx.rateLimit();
  const lowBudget = budget !== undefined && budget.remaining < config.rate.digest_only_below;
  const hint = fullListHint(headSha);
  const outcome = await upsertDigest({
    ctx,
    octokit,
    repoConfig: config,
    artifact,
    hits,
    home,
    fullListHint: hint,
    repoIssues: repoIssuesStep({
      config,
      home,
      octokit,
      log: ctx.log,
      github: ctx.config.github,
      fullListHint: hint,
      ...(lowBudget
        ? {
            blockedReason: `GitHub API budget is low (${budget.remaining} of ${budget.limit} requests left until ${budget.resetAt.toISOString()}; rate.digest_only_below is ${config.rate.digest_only_below})`,
          }
        : {}),
    }),
  });
  if (outcome.action !== "skipped") ctx.metrics.digests.inc({ outcome: outcome.action });
  return outcome;
}
