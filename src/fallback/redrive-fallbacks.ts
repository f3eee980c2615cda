import { fetchRepoConfig } from "../config/fetch-repo-config.js";
import { mayWriteDigest } from "../config/may-write-digest.js";
import { classifyGitHubError } from "../github/classify-github-error.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { refreshInstallationToken } from "../github/refresh-installation-token.js";
import { fileDigest } from "../ingest/file-digest.js";
import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";
import { fallbackHits } from "./fallback-hits.js";
import type { FallbackStatus } from "./fallback-record.js";
import { closeFallback, listPendingFallbacks, loadFallbackRecord } from "./fallback-store.js";
import { logFields } from "../logging/log-fields.js";

/** Records one re-drive job files; a fuller batch sends a job for the rest. */
export const REDRIVE_BATCH = 25;

/**
 * Files the digests of an installation's pending fallback records (or of the one record
 * asked for) once GitHub may take them: after `installation.new_permissions_accepted`,
 * `installation_repositories.added`, issues being enabled, hourly, or `audit-digest fallback
 * redrive`. First a new installation token is minted (a cached one keeps the permissions it
 * was made with). Each record, under its own lock:
 * 1. the home's configuration is read again; a home that no longer lists the run's repository
 *    in `digest.producers` ends the record as `refused`;
 * 2. the digest is filed through the same idempotent upsert as an ingest, from the redacted
 *    data (snippets stay `<REDACTED>`) with the fingerprints of the hits as reported;
 * 3. the record ends as `redriven`, or `superseded` when the digest already holds a newer
 *    artifact; a record GitHub still refuses stays pending until it expires.
 * Re-driving again files nothing: no record is pending any more.
 */
export async function redriveFallbacks(job: QueuedJob<"redrive-fallbacks">, ctx: JobContext): Promise<void> {
  const { installationId, recordId, afterId, trigger } = job.data;
  const records = await listPendingFallbacks(ctx.db, { installationId, recordId, afterId, limit: REDRIVE_BATCH });
  if (records.length === 0) {
    ctx.log.debug({ trigger, recordId }, "no pending fallback records to re-drive");
    return;
  }
  const octokit = await ctx.github();
  await refreshInstallationToken(octokit);
  const outcomes: Record<FallbackStatus, number> = { pending: 0, redriven: 0, superseded: 0, refused: 0 };
  for (const record of records) {
    outcomes[await redriveRecord({ ctx, octokit, id: record.id })]++;
  }
  ctx.log.info({ trigger, recordId, ...outcomes }, "fallback records re-driven");
  if (recordId === null && records.length === REDRIVE_BATCH) {
    await ctx.queue.send("redrive-fallbacks", { installationId, deliveryId: null, trigger, recordId: null, afterId: records.at(-1)!.id });
  }
}

async function redriveRecord({ ctx, octokit, id }: { ctx: JobContext; octokit: InstallationOctokit; id: number }): Promise<FallbackStatus> {
  return ctx.db.withLock(`fallback:${id}`, async (db) => {
    const record = await loadFallbackRecord(db, id);
    if (record?.status !== "pending") return record?.status ?? "superseded";
    const log = ctx.log.child({ ...logFields.audit(record.auditId), fallback_record_id: id, home: record.home });
    const [owner, repo] = record.targetRepository.split("/") as [string, string];
    const loaded = await fetchRepoConfig({ octokit, owner, repo });
    if (!loaded.ok) {
      log.warn({ problem: loaded.error.message }, "fallback record not re-driven: the home's configuration is invalid");
      return "pending";
    }
    if (!mayWriteDigest({ home: record.home, producers: loaded.config.digest.producers, repository: record.runRepository })) {
      await closeFallback(db, { id, status: "refused" });
      log.warn({ runRepository: record.runRepository }, "fallback record refused: the home no longer lists the run's repository in digest.producers");
      return "refused";
    }
    try {
      const outcome = await fileDigest({
        ctx: { ...ctx, db },
        octokit,
        artifact: record.artifact,
        hits: fallbackHits(record),
        home: record.targetRepository,
        config: loaded.config,
        headSha: record.headSha,
      });
      const status = outcome.action === "skipped" && outcome.reason === "older-artifact" ? "superseded" : "redriven";
      await closeFallback(db, { id, status, digestUrl: outcome.action === "skipped" ? null : outcome.url });
      log.info({ status, action: outcome.action, ...(outcome.action === "skipped" ? {} : { issueNumber: outcome.issueNumber }) }, "fallback record re-driven");
      return status;
    } catch (error) {
      const failure = classifyGitHubError(error);
      if (failure.kind !== "permission") throw error;
      log.info({ status: failure.status, reason: failure.reason }, "fallback record still cannot be filed; it stays pending");
      return "pending";
    }
  });
}

