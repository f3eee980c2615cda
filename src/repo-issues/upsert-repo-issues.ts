import type { Logger } from "pino";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { createOnce } from "../github/create-once.js";
import type { DigestKey } from "../digest/digest-store.js";
import type { RepoIssuesContext, RepoIssuesStep } from "../digest/upsert-digest.js";
import { ensureLabels } from "../issues/ensure-labels.js";
import { parseRepoIssueMarker } from "../digest/digest-marker.js";
import { DIGEST_LABEL, findLabelledIssue } from "../issues/find-labelled-issue.js";
import { getLiveIssue } from "../issues/get-live-issue.js";
import { issueUrl } from "../issues/issue-url.js";
import { applyIssueUpdate } from "../issues/apply-issue-update.js";
import { planRepoIssues, type RepoIssuePlan } from "./plan-repo-issues.js";
import { renderLifecycleComment } from "../digest/render-digest-comment.js";
import { owedComment, postOwedComment } from "../issues/post-owed-comment.js";
import type { DigestRepoIssue } from "../digest/render-digest.js";
import { renderRepoIssue } from "./render-repo-issue.js";
import { loadRepoIssueRecords, saveRepoIssueRecord, type RepoIssueRecord } from "./repo-issue-store.js";
import { blockedNotice, skippedReposNotice, stormBreakerNotice } from "./repo-issue-notices.js";
import { repoIssueSkipReason } from "./repo-issue-skip-reason.js";

/** How per-repository issues are kept for one ingest, besides what the digest hands over. */
export interface RepoIssueOptions {
  octokit: InstallationOctokit;
  log: Pick<Logger, "info">;
  /** Where issue links point, and this app's id (`APP_ID`), which lost issues must have been filed by. */
  github: { webHost: string; webProtocol: string; appId: number | undefined };
  /** issues.max_new_per_run: more new issues than this in one ingest trips the storm breaker. */
  maxNew: number;
  /** Set when per-repository issues must wait (the rate budget): no request is made. */
  blockedReason?: string;
  /**
   * Where issues may be opened (the digest's home and its `digest.producers`); the findings of
   * other repositories stay in the digest, noted as skipped. Every repository when absent.
   */
  mayOpenIssue?: (repository: string) => boolean;
  fullListHint?: string;
}

export type UpsertRepoIssuesInput = RepoIssuesContext & RepoIssueOptions;

/** The digest's per-repository step (issues.mode `per-repo`) with these options. */
export function perRepoIssues(options: RepoIssueOptions): RepoIssuesStep {
  return (context) => upsertRepoIssues({ ...context, ...options });
}

export interface UpsertRepoIssuesResult {
  /** The per-repository issues of repositories with open findings, for the digest to link. */
  links: DigestRepoIssue[];
  /** What the digest must say about per-repository issues it did not file or update. */
  notices: string[];
}

interface RepoIssueWork {
  conn: Database;
  octokit: InstallationOctokit;
  key: DigestKey;
  input: UpsertRepoIssuesInput;
}

/**
 * Keeps one issue per repository with open findings for an audit_id (issues.mode `per-repo`),
 * inside the digest's lock, after the digest issue exists and before its body is rendered:
 * 1. plan from the records which repositories need an issue created or brought up to date;
 *    a repository whose content did not change costs no request;
 * 2. when blocked (rate budget), stop here: the digest only, saying why;
 * 3. look for lost issues of repositories with no record (by label and marker, never search);
 *    unreachable repositories and those with issues disabled are skipped with a notice;
 * 4. storm breaker: more new issues than issues.max_new_per_run → none are filed and existing
 *    ones are left as they are (the digest only), saying so in the digest;
 * 5. create or update each issue (patch only on change, close and reopen like the digest, one
 *    comment when people must hear), recording each as it is done; a repository that is archived
 *    or refuses the write is skipped with a notice, never failing the ingest.
 */
export async function upsertRepoIssues(input: UpsertRepoIssuesInput): Promise<UpsertRepoIssuesResult> {
  const { conn, octokit, key } = input;
  // 1. Post what earlier updates owe, then plan, leaving out repositories the trust rule excludes.
  const records = await loadRepoIssueRecords(conn, key);
  await postOwedComments({ conn, octokit, key, log: input.log, records });
  const skipped: { repo: string; reason: string }[] = [];
  const plans = planRepoIssues({ findings: input.findings, complete: input.complete, records, auditId: key.auditId, digestUrl: input.digestUrl }).filter(
    (plan) => {
      if (input.mayOpenIssue === undefined || input.mayOpenIssue(plan.repo)) return true;
      skipped.push({ repo: plan.repo, reason: "not the digest's home or one of its digest.producers, so no issue may be opened there" });
      return false;
    },
  );

  // 2. Blocked: no request at all.
  if (input.blockedReason !== undefined) {
    const notices = [blockedNotice(input.blockedReason), skippedReposNotice(skipped)];
    return { links: linksOf({ plans, github: input.github }), notices: notices.filter((n) => n !== undefined) };
  }

  // 3. Recover lost records; skip repositories that cannot have an issue.
  const work: RepoIssueWork = { conn, octokit, key, input };
  const recovered = await recoverRecords({ work, plans, skipped });

  // 4. Storm breaker.
  const creating = recovered.filter((plan) => plan.action === "create").length;
  if (creating > input.maxNew) {
    input.log.info({ creating, limit: input.maxNew }, "storm breaker: per-repository issues not filed");
    const notices = [stormBreakerNotice({ wouldCreate: creating, limit: input.maxNew }), skippedReposNotice(skipped)];
    return { links: linksOf({ plans: recovered, github: input.github }), notices: notices.filter((n) => n !== undefined) };
  }

  // 5. Create or update, one repository at a time.
  const done: RepoIssuePlan[] = [];
  for (const plan of recovered) {
    if (plan.action === "unchanged") {
      done.push(plan);
      continue;
    }
    try {
      done.push({ ...plan, record: await applyPlan({ work, plan }) });
    } catch (error) {
      const reason = repoIssueSkipReason(error);
      if (reason === undefined) throw error;
      skipped.push({ repo: plan.repo, reason });
      if (plan.record) done.push(plan);
    }
  }
  const notice = skippedReposNotice(skipped);
  return { links: linksOf({ plans: done, github: input.github }), notices: notice === undefined ? [] : [notice] };
}

/** Plans whose repository has no record get one when its issue is found; unreachable ones are left out. */
async function recoverRecords({
  work,
  plans,
  skipped,
}: {
  work: RepoIssueWork;
  plans: RepoIssuePlan[];
  skipped: { repo: string; reason: string }[];
}): Promise<RepoIssuePlan[]> {
  const kept: RepoIssuePlan[] = [];
  for (const plan of plans) {
    if (plan.action !== "create") {
      kept.push(plan);
      continue;
    }
    try {
      const found = await findIssue({ work, repo: plan.repo });
      if (found === undefined) {
        kept.push(plan);
        continue;
      }
      // Unknown content: the update below compares bodies and patches only on a change.
      const record: RepoIssueRecord = { repository: plan.repo, issueNumber: found.number, contentSha256: "", state: found.state };
      await saveRepoIssueRecord(work.conn, work.key, record);
      kept.push({ ...plan, record, action: "update" });
    } catch (error) {
      const reason = repoIssueSkipReason(error);
      if (reason === undefined) throw error;
      skipped.push({ repo: plan.repo, reason });
    }
  }
  return kept;
}

async function findIssue({ work, repo }: { work: RepoIssueWork; repo: string }) {
  const [owner, name] = repo.split("/") as [string, string];
  const wanted = `${owner}/${name}`.toLowerCase();
  const found = await findLabelledIssue({
    octokit: work.octokit,
    owner,
    repo: name,
    appId: work.input.github.appId,
    matches: (body) => {
      const marker = parseRepoIssueMarker(body);
      return marker?.auditId === work.key.auditId && marker.repo.toLowerCase() === wanted;
    },
  });
  return found === undefined ? undefined : { number: found.number, state: found.state === "closed" ? ("closed" as const) : ("open" as const) };
}

/** Creates or updates the plan's issue and records it; returns the record. */
async function applyPlan({ work, plan }: { work: RepoIssueWork; plan: RepoIssuePlan }): Promise<RepoIssueRecord> {
  const { conn, octokit, key, input } = work;
  const [owner, repo] = plan.repo.split("/") as [string, string];
  const rendered = renderRepoIssue({
    auditId: key.auditId,
    repo: plan.repo,
    generatedAt: input.generatedAt,
    complete: input.complete,
    host: input.github.webHost,
    findings: plan.findings,
    totals: plan.totals,
    digestUrl: input.digestUrl,
    fingerprintLength: plan.fingerprintLength,
    ...(input.fullListHint === undefined ? {} : { fullListHint: input.fullListHint }),
  });

  let live = plan.record ? await getLiveIssue({ octokit, repository: plan.repo, issueNumber: plan.record.issueNumber }) : undefined;
  if (plan.record && live === undefined) {
    // Deleted, transferred or locked: another unlocked one may exist, else a new one replaces it.
    const found = await findIssue({ work, repo: plan.repo });
    if (found) live = await getLiveIssue({ octokit, repository: plan.repo, issueNumber: found.number });
  }
  if (live === undefined) {
    if (plan.record && plan.totals.open === 0) {
      // Nothing open and no issue left to close: recorded as closed, so it is not looked for again.
      const record: RepoIssueRecord = { ...plan.record, contentSha256: plan.contentSha256, state: "closed" };
      await saveRepoIssueRecord(conn, key, record);
      return record;
    }
    await ensureLabels({ db: conn, octokit, installationId: key.installationId, owner, repo, labels: [DIGEST_LABEL] });
    // A create that failed may have filed the issue: it is looked for by label and marker before another is filed.
    const created = await createOnce({
      create: async () => (await octokit.rest.issues.create({ owner, repo, title: rendered.title, body: rendered.body, labels: [DIGEST_LABEL] })).data.number,
      find: async () => (await findIssue({ work, repo: plan.repo }))?.number,
    });
    const record: RepoIssueRecord = { repository: plan.repo, issueNumber: created, contentSha256: plan.contentSha256, state: "open" };
    await saveRepoIssueRecord(conn, key, record);
    input.log.info({ repository: plan.repo, issueNumber: record.issueNumber }, "per-repository issue created");
    return record;
  }

  const { lifecycle, patched } = await applyIssueUpdate({
    octokit,
    issue: { repository: plan.repo, number: live.number, state: live.state === "closed" ? "closed" : "open", body: live.body, title: live.title },
    rendered,
    wantClosed: plan.wantClosed,
    newCount: plan.totals.new,
  });
  // The comment is saved with the record, then posted: a failed post is retried, never lost.
  const pendingComment = lifecycle.comment
    ? owedComment({
        kind: lifecycle.comment,
        contentSha256: plan.contentSha256,
        body: renderLifecycleComment({ kind: lifecycle.comment, findings: plan.findings, totals: plan.totals, reopened: lifecycle.change?.state === "open", host: input.github.webHost }),
      })
    : null;
  const record: RepoIssueRecord = { repository: plan.repo, issueNumber: live.number, contentSha256: plan.contentSha256, state: lifecycle.state, pendingComment };
  await saveRepoIssueRecord(conn, key, record);
  if (pendingComment) {
    await postOwedComment({ octokit, repository: plan.repo, issueNumber: live.number, comment: pendingComment, fresh: true });
    await saveRepoIssueRecord(conn, key, { ...record, pendingComment: null });
  }
  input.log.info(
    { repository: plan.repo, issueNumber: live.number, patched, comment: lifecycle.comment },
    "per-repository issue brought up to date",
  );
  return record;
}

/**
 * Posts the comments earlier updates saved but did not get to post (once each: see
 * `postOwedComment`). One GitHub will never take (issue locked or gone, access withdrawn) is
 * dropped rather than retried forever.
 */
async function postOwedComments({
  conn,
  octokit,
  key,
  log,
  records,
}: {
  conn: Database;
  octokit: InstallationOctokit;
  key: DigestKey;
  log: Pick<Logger, "info">;
  records: Map<string, RepoIssueRecord>;
}): Promise<void> {
  for (const [repo, record] of records) {
    if (!record.pendingComment) continue;
    try {
      await postOwedComment({ octokit, repository: record.repository, issueNumber: record.issueNumber, comment: record.pendingComment });
    } catch (error) {
      const reason = repoIssueSkipReason(error);
      if (reason === undefined) throw error;
      log.info({ repository: record.repository, issueNumber: record.issueNumber, reason }, "owed comment dropped");
    }
    const cleared = { ...record, pendingComment: null };
    await saveRepoIssueRecord(conn, key, cleared);
    records.set(repo, cleared);
  }
}

/** Links to the recorded issues of repositories with open findings, under every spelling the findings use. */
function linksOf({ plans, github }: { plans: readonly RepoIssuePlan[]; github: { webHost: string; webProtocol: string } }): DigestRepoIssue[] {
  const links: DigestRepoIssue[] = [];
  for (const plan of plans) {
    if (!plan.record || plan.totals.open === 0) continue;
    const url = issueUrl(github, plan.record.repository, plan.record.issueNumber);
    for (const repo of plan.spellings) links.push({ repo, issueNumber: plan.record.issueNumber, url });
  }
  return links;
}
