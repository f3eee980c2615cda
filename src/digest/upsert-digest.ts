import { createHash } from "node:crypto";
import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import { canonicalJson } from "../artifact/canonical-json.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import type { InstallationOctokit, JobContext } from "../jobs/job-context.js";
import { computeDigestState, type DigestTotals } from "./compute-digest-state.js";
import { loadDigestRecord, loadFindingStates, saveDigest, type DigestKey, type DigestRecord } from "./digest-store.js";
import { ensureLabels } from "./ensure-labels.js";
import { DIGEST_LABEL, findDigestIssue } from "./find-digest-issue.js";
import { renderAllResolvedComment, renderNewFindingsComment } from "./render-digest-comment.js";
import { renderDigest } from "./render-digest.js";
import { toDigestHits } from "./to-digest-hits.js";

export type UpsertDigestOutcome =
  | { action: "skipped"; reason: "older-artifact" | "same-artifact" | "nothing-to-report" }
  | {
      action: "created" | "updated" | "unchanged" | "closed" | "reopened";
      repository: string;
      issueNumber: number;
      url: string;
      totals: DigestTotals;
      comment: "new-findings" | "all-resolved" | null;
    };

export interface UpsertDigestInput {
  ctx: Pick<JobContext, "db" | "log" | "config" | "installationId">;
  octokit: InstallationOctokit;
  repoConfig: RepoConfig;
  artifact: ConsumerArtifact;
  hits: readonly FingerprintedHit<Hit>[];
  /** The repository whose run produced the artifact: the digest's home unless config names one. */
  runRepository: { owner: string; repo: string };
  /** Operational notes for the top of the body (storm breaker, rate budget). */
  notices?: string[];
  /** Where the full list of findings is when the body cannot hold it. */
  fullListHint?: string;
}

interface LiveIssue {
  number: number;
  state: string;
  body: string;
  title: string;
  url: string;
}

/**
 * Keeps the one digest issue of an artifact's audit_id current. Under a lock per audit_id
 * (so concurrent ingests make one issue):
 * 1. an artifact older than the one applied, or the same one again, changes nothing;
 * 2. the finding states are diffed (new / open / resolved / suppressed) and the body rendered;
 * 3. the issue is found: the recorded one, else by label and marker; locked or deleted ones are replaced;
 * 4. it is created, or patched once when its body, title or state must change (no write otherwise);
 * 5. the state is saved; one comment is posted when people must hear (new findings, all resolved).
 */
export async function upsertDigest(input: UpsertDigestInput): Promise<UpsertDigestOutcome> {
  const { ctx, octokit, repoConfig, artifact, hits } = input;
  const key: DigestKey = { installationId: ctx.installationId, auditId: artifact.audit_id };
  const contentSha256 = createHash("sha256").update(canonicalJson(withoutSignature(artifact))).digest("hex");
  const [homeOwner, homeRepo] = (repoConfig.digest.repository ?? `${input.runRepository.owner}/${input.runRepository.repo}`).split("/") as [string, string];

  return ctx.db.withLock(`digest:${key.installationId}:${key.auditId}`, async (conn) => {
    // Everything inside the lock runs on its connection.
    // 1. Older or identical artifacts change nothing.
    const record = await loadDigestRecord(conn, key);
    if (record && Date.parse(artifact.generated_at) < Date.parse(record.lastGeneratedAt)) {
      ctx.log.info({ auditId: key.auditId, generatedAt: artifact.generated_at, applied: record.lastGeneratedAt }, "older artifact does not overwrite the digest");
      return { action: "skipped", reason: "older-artifact" };
    }
    if (record?.lastContentSha256 === contentSha256) return { action: "skipped", reason: "same-artifact" };

    // 2. Diff and render.
    const state = computeDigestState({
      previous: await loadFindingStates(conn, key),
      hits: toDigestHits(artifact, hits),
      suppressions: repoConfig.suppressions,
      complete: artifact.complete,
      now: new Date().toISOString(),
      generatedAt: artifact.generated_at,
    });
    const rendered = renderDigest({
      auditId: artifact.audit_id,
      title: repoConfig.digest.title,
      generatedAt: artifact.generated_at,
      complete: artifact.complete,
      host: ctx.config.github.webHost,
      findings: state.findings,
      totals: state.totals,
      ...(input.notices?.length ? { notices: input.notices } : {}),
      ...(input.fullListHint ? { fullListHint: input.fullListHint } : {}),
    });

    // 3. Find the issue.
    const live = record
      ? await getLiveIssue(octokit, record)
      : await findDigestIssue({ octokit, owner: homeOwner, repo: homeRepo, auditId: key.auditId }).then((found) =>
          found && !found.locked ? { ...found, url: issueUrl(ctx.config.github, `${homeOwner}/${homeRepo}`, found.number) } : undefined,
        );
    const repository = live && record ? record.repository : `${homeOwner}/${homeRepo}`;
    const [owner, repo] = repository.split("/") as [string, string];
    const wantClosed = artifact.complete && state.totals.open === 0;

    // 4. Create, or patch once.
    let action: Exclude<UpsertDigestOutcome["action"], "skipped">;
    let issueNumber: number;
    let issueState: "open" | "closed";
    let comment: "new-findings" | "all-resolved" | null = null;
    if (!live) {
      if (state.totals.open === 0) return { action: "skipped", reason: "nothing-to-report" };
      const labels = [...new Set([DIGEST_LABEL, ...repoConfig.digest.labels])];
      await ensureLabels({ db: conn, octokit, installationId: key.installationId, owner, repo, labels });
      const created = await octokit.rest.issues.create({ owner, repo, title: rendered.title, body: rendered.body, labels });
      action = "created";
      issueNumber = created.data.number;
      issueState = "open";
    } else {
      issueNumber = live.number;
      const patch: { body?: string; title?: string; state?: "open" | "closed"; state_reason?: "completed" | "reopened" } = {};
      if (live.body !== rendered.body) patch.body = rendered.body;
      if (live.title !== rendered.title) patch.title = rendered.title;
      issueState = live.state === "closed" ? "closed" : "open";
      if (issueState === "open" && wantClosed) {
        Object.assign(patch, { state: "closed", state_reason: "completed" });
        comment = "all-resolved";
        issueState = "closed";
      } else if (issueState === "closed" && state.totals.new > 0) {
        Object.assign(patch, { state: "open", state_reason: "reopened" });
        comment = "new-findings";
        issueState = "open";
      } else if (issueState === "open" && state.totals.new > 0) {
        comment = "new-findings";
      }
      if (Object.keys(patch).length > 0) {
        await octokit.rest.issues.update({ owner, repo, issue_number: issueNumber, ...patch });
      }
      action = patch.state === "closed" ? "closed" : patch.state === "open" ? "reopened" : Object.keys(patch).length ? "updated" : "unchanged";
    }

    // 5. Save, then tell people what they must hear.
    const saved: DigestRecord = {
      repository,
      issueNumber,
      lastGeneratedAt: artifact.generated_at,
      lastContentSha256: contentSha256,
      state: issueState,
    };
    await saveDigest({ db: conn, key, record: saved, findings: state.rows });
    if (comment) {
      const body =
        comment === "all-resolved"
          ? renderAllResolvedComment({ resolved: state.totals.resolved })
          : renderNewFindingsComment({
              count: state.totals.new,
              top: state.findings.filter((f) => f.status === "new"),
              reopened: action === "reopened",
              host: ctx.config.github.webHost,
            });
      await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    }
    ctx.log.info({ auditId: key.auditId, repository, issueNumber, action, comment, totals: state.totals, omitted: rendered.omitted }, "digest upserted");
    return { action, repository, issueNumber, url: issueUrl(ctx.config.github, repository, issueNumber), totals: state.totals, comment };
  });
}

/** The recorded issue as it is now, or undefined when it was deleted, transferred away or locked. */
async function getLiveIssue(octokit: InstallationOctokit, record: DigestRecord): Promise<LiveIssue | undefined> {
  const [owner, repo] = record.repository.split("/") as [string, string];
  try {
    const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: record.issueNumber });
    if (data.locked || data.pull_request) return undefined;
    return { number: data.number, state: data.state, body: data.body ?? "", title: data.title, url: data.html_url };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410) return undefined;
    throw error;
  }
}

function issueUrl(github: { webHost: string; webProtocol: string }, repository: string, number: number): string {
  return `${github.webProtocol}://${github.webHost}/${repository}/issues/${number}`;
}

function withoutSignature(artifact: ConsumerArtifact): Record<string, unknown> {
  const { signature: _signature, ...rest } = artifact as ConsumerArtifact & { signature?: unknown };
  return rest;
}
