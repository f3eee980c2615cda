import { artifactLimitsFromConfig } from "../config/load-repo-config.js";
import { fetchRepoConfig } from "../config/fetch-repo-config.js";
import { completeCheckRun } from "../checks/complete-check-run.js";
import type { GateResult } from "../checks/gate-result.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";
import { summarizeHits } from "../artifact/summarize-hits.js";
import { resolveSignaturePolicy, signatureRequired } from "../artifact/signature-policy.js";
import { classifyGitHubError } from "../github/classify-github-error.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { LabelRejectedError } from "../issues/ensure-labels.js";
import type { Database } from "../db/database.js";
import { digestKey } from "../digest/digest-store.js";
import { fullListHint } from "../digest/full-list-hint.js";
import { suppressedFingerprints } from "../digest/suppressed-fingerprints.js";
import { describeFallback } from "../fallback/describe-fallback.js";
import { supersedeFallbacks } from "../fallback/fallback-store.js";
import { storeFallbackRecord } from "../fallback/store-fallback-record.js";
import type { JobContext } from "../jobs/job-context.js";
import { logFields } from "../logging/log-fields.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import type { WorkflowRunRef } from "../jobs/job-payloads.js";
import { downloadCheckedArtifact } from "./download-checked-artifact.js";
import { fileDigest } from "./file-digest.js";
import { findRunArtifact } from "./find-run-artifact.js";
import { findIngest, recordIngest, type IngestKey, type IngestRecord } from "./ingest-ledger.js";
import { releaseArtifactGarbage } from "./release-artifact-garbage.js";
import { resolveDigestHome } from "./resolve-digest-home.js";

export type IngestRunOutcome = { skipped: true } | { skipped: false; result: GateResult };

/** Where a valid artifact's digest goes, and the home configuration that governs it. */
interface DigestTarget {
  home: string;
  config: RepoConfig;
}

/**
 * Takes in one workflow run attempt, under a lock for it:
 * 1. skip it when the ledger already holds it (unless a re-run was asked for);
 * 2. read the run repository's config, and find the digest's home: a run may write only its
 *    own repository's digests or those of a home that lists it in `digest.producers`;
 * 3. find the run's artifact and download it, bounded;
 * 4. check it: safe unzip, schema and limits, signature policy, bound to this run, fingerprints;
 * 5. when valid, keep the audit_id's digest issue in its home current (or, when GitHub refuses
 *    it for a permission reason, keep the findings as a redacted fallback record);
 * 6. give the verdict on the head SHA's check run (`completedBy` tells a retry from a re-run),
 *    annotating only the findings the digest does not suppress;
 * 7. record it in the ledger.
 */
export async function ingestRun({
  ctx,
  run,
  force,
  completedBy,
}: {
  ctx: JobContext;
  run: WorkflowRunRef;
  force: boolean;
  completedBy: string;
}): Promise<IngestRunOutcome> {
  const { owner, repo, runId, runAttempt, headSha, fromFork } = run;
  const key: IngestKey = { installationId: ctx.installationId, repository: `${owner}/${repo}`, runId, runAttempt };
  return ctx.db.withLock(`ingest:${key.installationId}:${key.repository}:${runId}:${runAttempt}`.toLowerCase(), async (db) => {
    const locked: JobContext = { ...ctx, db };
    if (!force && (await findIngest(db, key))) {
      ctx.log.info({ repository: key.repository, run_id: runId, run_attempt: runAttempt }, "run attempt already ingested; nothing to do");
      return { skipped: true };
    }
    const octokit = await ctx.github();
    const judged = await judgeRun({ ctx: locked, octokit, run });
    let result = judged.result;
    // From here on the artifact's audit_id, when it has one, is on every line.
    const log = result.kind === "valid" ? ctx.log.child(logFields.audit(result.checked.artifact.audit_id)) : ctx.log;
    if (result.kind === "valid" && judged.target) {
      const digested = await withDigest({ ctx: { ...locked, log }, octokit, result, target: judged.target, run });
      result = { ...digested, suppressed: await suppressedOf({ db, installationId: key.installationId, result: digested, target: judged.target }) };
    }
    const check = await completeCheckRun({
      db,
      octokit,
      appId: ctx.config.github.appId,
      target: { installationId: key.installationId, owner, repo, headSha },
      result,
      completedBy,
    });
    const record = ledgerRecord({ key, headSha, result });
    await recordIngest(db, { ...record, error: record.error === null ? null : scrubSecrets(record.error) });
    ctx.metrics.ingests.inc({ verdict: result.kind });
    log.info(
      { repository: key.repository, run_id: runId, run_attempt: runAttempt, head_sha: headSha, from_fork: fromFork, verdict: result.kind, check_run_id: check?.checkRunId ?? null },
      "run ingested",
    );
    return { skipped: false, result };
  });
}

/**
 * Files or updates the digest for a valid artifact. When GitHub refuses it for a permission
 * reason (no `issues: write`, issues disabled, the home archived or out of the installation's
 * reach), the findings are kept as a redacted fallback record, filed by a re-drive once that is
 * possible, and the check run says so; a label GitHub refuses is reported the same way, without
 * a record (the configuration must change). A filed digest supersedes older pending records.
 */
async function withDigest({
  ctx,
  octokit,
  result,
  target,
  run,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  result: Extract<GateResult, { kind: "valid" }>;
  target: DigestTarget;
  run: WorkflowRunRef;
}): Promise<Extract<GateResult, { kind: "valid" }>> {
  const { home, config } = target;
  const { artifact, hits } = result.checked;
  const key = digestKey({ installationId: ctx.installationId, home, auditId: artifact.audit_id });
  try {
    const digest = await fileDigest({ ctx, octokit, artifact, hits, home, config, headSha: run.headSha });
    const superseded = await supersedeFallbacks(ctx.db, { key, generatedAt: artifact.generated_at });
    if (superseded.length > 0) ctx.log.info({ home, superseded }, "pending fallback records superseded by the filed digest");
    if (digest.action === "skipped") return result;
    return { ...result, digest: { repository: digest.repository, issueNumber: digest.issueNumber, url: digest.url } };
  } catch (error) {
    if (error instanceof LabelRejectedError) {
      ctx.log.warn({ home, problem: error.message }, "digest issue not filed");
      return { ...result, digestProblem: error.message };
    }
    const failure = classifyGitHubError(error);
    if (failure.kind !== "permission") throw error;
    const record = await storeFallbackRecord({
      db: ctx.db,
      fallbackDir: ctx.config.fallbackDir,
      host: ctx.config.github.webHost,
      key,
      targetRepository: home,
      runRepository: `${run.owner}/${run.repo}`,
      headSha: run.headSha,
      reason: { cause: failure.cause, status: failure.status, message: failure.githubMessage },
      artifact,
      hits,
      repoConfig: config,
      fullListHint: fullListHint(run.headSha),
    });
    const problem = describeFallback(record);
    ctx.log.warn({ home, fallback_record_id: record.id, expires_at: record.expiresAt }, `No digest was filed: ${problem}`);
    return { ...result, digestProblem: problem };
  }
}

/** The findings of a valid artifact its digest suppresses now (they get no annotation). */
async function suppressedOf({
  db,
  installationId,
  result,
  target,
}: {
  db: Database;
  installationId: number;
  result: Extract<GateResult, { kind: "valid" }>;
  target: DigestTarget;
}): Promise<ReadonlySet<string>> {
  const { artifact, hits } = result.checked;
  return suppressedFingerprints({
    conn: db,
    key: digestKey({ installationId, home: target.home, auditId: artifact.audit_id }),
    artifact,
    hits,
    configured: target.config.suppressions,
    now: new Date(),
  });
}

/** Config, trust rule, then the artifact: the verdict, and where a valid one's digest goes. */
async function judgeRun({
  ctx,
  octokit,
  run,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  run: WorkflowRunRef;
}): Promise<{ result: GateResult; target?: DigestTarget }> {
  const runRepository = `${run.owner}/${run.repo}`;
  const loaded = await fetchRepoConfig({ octokit, owner: run.owner, repo: run.repo });
  if (!loaded.ok) return { result: { kind: "config_invalid", error: loaded.error.message } };
  const home = await resolveDigestHome({ octokit, runRepository, runConfig: loaded.config, runConfigSource: loaded.source });
  if (!home.ok) return { result: home.result };

  // The stricter of the run's and the home's policies applies.
  const keys = ctx.config.hmacKeys;
  const required = [loaded.config, home.config].some((config) =>
    signatureRequired({ policy: resolveSignaturePolicy({ configured: config.artifact.require_signature, keys }), fromFork: run.fromFork }),
  );
  return {
    result: await judgeArtifact({ ctx, octokit, run, config: loaded.config, requireSignature: required }),
    target: { home: home.home, config: home.config },
  };
}

async function judgeArtifact({
  ctx,
  octokit,
  run,
  config,
  requireSignature,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  run: WorkflowRunRef;
  config: RepoConfig;
  requireSignature: boolean;
}): Promise<GateResult> {
  const { owner, repo, runId } = run;
  const limits = artifactLimitsFromConfig(config);
  const artifactName = config.artifact.name;

  const artifact = await findRunArtifact({ octokit, owner, repo, runId, name: artifactName });
  if (!artifact) return { kind: "missing", artifactName, runId };
  if (artifact.expired) return { kind: "expired", artifactName, runId };
  if (artifact.sizeInBytes > limits.maxZipBytes) {
    return {
      kind: "invalid",
      errors: [{ path: "", code: "zip_too_large", message: `archive is ${artifact.sizeInBytes} bytes, more than the limit max_zip_bytes (${limits.maxZipBytes} bytes)` }],
    };
  }
  const download = await downloadCheckedArtifact({
    octokit,
    owner,
    repo,
    artifactId: artifact.id,
    limits,
    keys: ctx.config.hmacKeys,
    requireSignature,
    origin: { repository: `${owner}/${repo}`, headSha: run.headSha, runId },
    now: new Date(),
  });
  if (!download.ok) {
    return download.reason === "expired"
      ? { kind: "expired", artifactName, runId }
      : { kind: "invalid", errors: [{ path: "", code: "zip_too_large", message: download.message }] };
  }
  // The zip is garbage now: a large one's check left enough behind it to collect before the digest is built.
  releaseArtifactGarbage({ zipBytes: download.zipBytes });
  const checked = download.checked;
  switch (checked.verdict) {
    case "valid":
      return { kind: "valid", checked };
    case "invalid":
      return { kind: "invalid", errors: checked.errors };
    case "signature_invalid":
      return { kind: "signature_invalid", error: checked.error };
  }
}

function ledgerRecord({ key, headSha, result }: { key: IngestKey; headSha: string; result: GateResult }): IngestRecord {
  const base = { ...key, headSha, artifactSha256: null, auditId: null, error: null, hitCount: 0, counts: {} };
  switch (result.kind) {
    case "valid": {
      const summary = summarizeHits(result.checked.hits.map((h) => h.hit));
      return {
        ...base,
        verdict: "valid",
        artifactSha256: result.checked.sha256,
        auditId: result.checked.artifact.audit_id,
        hitCount: summary.total,
        counts: { bySeverity: summary.bySeverity, byRepository: summary.byRepository.map((r) => [r.repository, r.total]) },
      };
    }
    case "invalid":
      return { ...base, verdict: "invalid", error: result.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).slice(0, 20).join("\n") };
    case "signature_invalid":
      return { ...base, verdict: "signature_invalid", error: result.error };
    case "config_invalid":
      return { ...base, verdict: "config_invalid", error: result.error };
    case "refused":
      return { ...base, verdict: "refused", error: result.reason };
    case "missing":
      return { ...base, verdict: "missing", error: `no artifact named "${result.artifactName}"` };
    case "expired":
      return { ...base, verdict: "expired", error: `artifact "${result.artifactName}" expired` };
    case "not_ingested":
    case "stale":
      return { ...base, verdict: "missing", error: "no workflow run ingested" };
  }
}
