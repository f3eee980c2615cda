import type { ConsumerArtifact, Hit } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { RepoConfig } from "../config/repo-config-schema.js";
import type { Database } from "../db/database.js";
import type { JobContext } from "../jobs/job-context.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { describePermanentFailure } from "../github/describe-permanent-failure.js";
import { createOnce } from "../github/create-once.js";
import { reapplySuppressions, type DigestTotals } from "./compute-digest-state.js";
import { digestContentSha256, nextDigestState } from "./next-digest-state.js";
import { loadDigestSuppressions, loadDismissals } from "./digest-suppressions.js";
import { digestPatternFeedback } from "../feedback/pattern-feedback.js";
import {
  clearPendingComment,
  digestKey,
  digestLockKey,
  loadDigestRecord,
  loadFindingStates,
  saveDigest,
  type DigestKey,
  type DigestRecord,
  type StoredFindingRow,
} from "./digest-store.js";
import { sameFindings } from "./same-findings.js";
import { viewAsShown, markShownAs } from "./view-as-shown.js";
import { renderLifecycleComment } from "./render-digest-comment.js";
import { owedComment, postOwedComment, type OwedComment } from "../issues/post-owed-comment.js";
import { ensureLabels } from "../issues/ensure-labels.js";
import { parseDigestMarker } from "./digest-marker.js";
import { DIGEST_LABEL, findLabelledIssue } from "../issues/find-labelled-issue.js";
import { getLiveIssue } from "../issues/get-live-issue.js";
import { issueUrl } from "../issues/issue-url.js";
import { applyIssueUpdate } from "../issues/apply-issue-update.js";
import type { IssueLifecycle } from "../issues/plan-issue-lifecycle.js";
import type { DigestFinding } from "./digest-finding.js";
import { renderDigest, type DigestRepoIssue, type DigestView, type RenderedDigest } from "./render-digest.js";

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
  /**
   * `owner/name` of the digest's home, where the issue is filed; `repoConfig` is the home's
   * configuration. The caller has checked that the run may write here (`mayWriteDigest`).
   */
  home: string;
  /** Operational notes for the top of the body (storm breaker, rate budget). */
  notices?: string[];
  /** Where the full list of findings is when the body cannot hold it. */
  fullListHint?: string;
  /** Per-repository issues (issues.mode `per-repo`), kept current inside the digest's lock. */
  repoIssues?: RepoIssuesStep;
}

/** What the digest hands per-repository issues, inside its lock, once the digest issue exists. */
export interface RepoIssuesContext {
  /** The connection of the digest's lock: every query runs on it. */
  conn: Database;
  key: DigestKey;
  findings: readonly DigestFinding[];
  complete: boolean;
  /** `generated_at` of the first scan that produced these findings (see `DigestRecord.findingsSince`). */
  generatedAt: string;
  /** The digest issue every per-repository issue links back to. */
  digestUrl: string;
}

/** Keeps per-repository issues current; returns the links and notices the digest body shows. */
export type RepoIssuesStep = (context: RepoIssuesContext) => Promise<{ links: DigestRepoIssue[]; notices: string[] }>;

/** The digest issue as it stands before this update's patch. */
interface DigestIssue {
  repository: string;
  number: number;
  state: "open" | "closed";
  body: string;
  title: string;
  /** Filed by this update. */
  created: boolean;
}

/**
 * Keeps the one digest issue of an artifact's audit_id in its home current, and through
 * `repoIssues` (issues.mode `per-repo`) one issue per allowed repository with findings. Under a lock per (installation,
 * home, audit_id) (so concurrent ingests make one issue each), every query on the lock's
 * connection:
 * 1. a comment an earlier update saved but could not post is posted (once); an artifact older
 *    than the one applied, or the same one again, changes nothing;
 * 2. the finding states are diffed (new / open / resolved / suppressed); when the scan left them
 *    all as they were (`sameFindings`), the digest shows what it showed and says since when:
 *    nothing in its body changes, so nothing is written to it;
 * 3. the digest issue is found: the recorded one, else by label and marker; locked or deleted
 *    ones are replaced; a new one is filed now, so per-repository issues can link back to it
 *    (after a failed create it is looked for by label and marker before another is filed);
 * 4. per-repository issues are kept current (per-repo mode) before the digest body is rendered,
 *    so that it links them; the storm breaker and the rate budget leave the digest only;
 * 5. the digest is rendered and patched once when its body, title or state must change;
 * 6. the state is saved, with the one comment people must hear (new findings, all resolved),
 *    which is posted next and cleared once it is, so a failed post is retried, never lost.
 */
export async function upsertDigest(input: UpsertDigestInput): Promise<UpsertDigestOutcome> {
  const { ctx, octokit, repoConfig, artifact, hits } = input;
  const home = input.home;
  const key: DigestKey = digestKey({ installationId: ctx.installationId, home, auditId: artifact.audit_id });
  const contentSha256 = digestContentSha256(artifact);

  return ctx.db.withLock(digestLockKey(key), async (conn) => {
    // 1. A comment an earlier update owes is posted first; older or identical artifacts change nothing.
    const record = await loadDigestRecord(conn, key);
    if (record?.pendingComment) {
      await postPendingComment({ conn, octokit, key, repository: record.repository, issueNumber: record.issueNumber, comment: record.pendingComment }).catch(
        async (error: unknown) => {
          // A comment GitHub will never take (issue locked or gone, permission withdrawn) is dropped, not retried forever.
          const problem = describePermanentFailure(error);
          if (problem === undefined) throw error;
          ctx.log.warn({ repository: record.repository, issueNumber: record.issueNumber, problem }, "owed digest comment dropped");
          await clearPendingComment(conn, key);
        },
      );
    }
    if (record && Date.parse(artifact.generated_at) < Date.parse(record.lastGeneratedAt)) {
      ctx.log.info({ generatedAt: artifact.generated_at, applied: record.lastGeneratedAt }, "older artifact does not overwrite the digest");
      return { action: "skipped", reason: "older-artifact" };
    }
    if (record?.lastContentSha256 === contentSha256) return { action: "skipped", reason: "same-artifact" };

    // 2. Diff, with the digest's dismissals and mutes beside the configuration's suppressions.
    const previous = await loadFindingStates(conn, key);
    const suppressions = [...(await loadDigestSuppressions(conn, key)), ...repoConfig.suppressions];
    const state = nextDigestState({ artifact, hits, previous, suppressions, now: new Date() });
    // The same findings as the stored ones (a later scan, a later commit): shown as they were, since the scan that first found them.
    const unchanged = record?.findingsSince !== undefined && record.complete === artifact.complete && sameFindings(previous, state.rows);
    return finishUpdate({
      conn,
      ctx,
      octokit,
      repoConfig,
      key,
      record,
      home,
      rows: unchanged ? previous : markShownAs(state.rows, state.findings),
      saveRows: !unchanged,
      findingsSince: unchanged ? record.findingsSince! : artifact.generated_at,
      applied: { generatedAt: artifact.generated_at, complete: artifact.complete, contentSha256 },
      newCount: unchanged ? 0 : state.totals.new,
      ...(input.notices ? { notices: input.notices } : {}),
      ...(input.fullListHint ? { fullListHint: input.fullListHint } : {}),
      ...(input.repoIssues ? { repoIssues: input.repoIssues } : {}),
    });
  });
}

export interface RefreshDigestInput {
  ctx: UpsertDigestInput["ctx"];
  octokit: InstallationOctokit;
  /** The home's configuration (its suppressions, title, labels). */
  repoConfig: RepoConfig;
  key: DigestKey;
  /** Where the full list of findings is when the body cannot hold it. */
  fullListHint?: string;
  /** Per-repository issues (issues.mode `per-repo`), kept current inside the digest's lock. */
  repoIssues?: RepoIssuesStep;
  /**
   * Runs first inside the digest's lock, on its connection: the change of suppressions this
   * refresh applies, so an ingest racing it sees the change or is seen by it, never half.
   */
  change?: (conn: Database) => Promise<void>;
}

/**
 * Applies a change of suppressions (a dismissal, a reopen, a mute) to a digest already filed,
 * under the same lock and through the same steps as `upsertDigest`, without an artifact: the
 * stored finding states get the suppression rules afresh, the digest is rendered and patched
 * once when its body, title or state must change, and the state is saved. A command never
 * announces findings as new; when nothing is left open after a complete scan, the digest closes
 * as an ingest of the same artifact would close it. Skipped when the digest has no record yet.
 */
export async function refreshDigest(input: RefreshDigestInput): Promise<UpsertDigestOutcome> {
  const { ctx, octokit, repoConfig, key } = input;
  return ctx.db.withLock(digestLockKey(key), async (conn) => {
    if (input.change) await input.change(conn);
    const record = await loadDigestRecord(conn, key);
    if (!record) return { action: "skipped", reason: "nothing-to-report" };
    const stored = await loadFindingStates(conn, key);
    const state = reapplySuppressions({
      rows: stored,
      suppressions: [...(await loadDigestSuppressions(conn, key)), ...repoConfig.suppressions],
      lastGeneratedAt: record.lastGeneratedAt,
      now: new Date().toISOString(),
    });
    // Each finding keeps how the scan that started its set showed it; a digest from before that was kept gets it from the times.
    const shownBefore = new Map(stored.map((row) => [row.fingerprint, row.shownAs]));
    const rows =
      record.findingsSince === undefined
        ? markShownAs(state.rows, state.findings)
        : state.rows.map((row) => {
            const shownAs = shownBefore.get(row.fingerprint);
            return shownAs === undefined ? row : { ...row, shownAs };
          });
    return finishUpdate({
      conn,
      ctx,
      octokit,
      repoConfig,
      key,
      record,
      home: key.home,
      rows,
      saveRows: true,
      findingsSince: record.findingsSince ?? record.lastGeneratedAt,
      applied: { generatedAt: record.lastGeneratedAt, complete: record.complete, contentSha256: record.lastContentSha256 },
      newCount: 0,
      ...(input.fullListHint ? { fullListHint: input.fullListHint } : {}),
      ...(input.repoIssues ? { repoIssues: input.repoIssues } : {}),
    });
  });
}

/**
 * Steps 3 to 6 of an update, once the state is known: find or file the digest issue, keep
 * per-repository issues current, render and patch once, save, post the owed comment. The body
 * shows `rows` as `viewAsShown` does, and `findingsSince` as the time of its findings.
 */
async function finishUpdate({
  conn,
  ctx,
  octokit,
  repoConfig,
  key,
  record,
  home,
  rows,
  saveRows,
  findingsSince,
  applied: artifact,
  newCount,
  notices: givenNotices,
  fullListHint,
  repoIssues,
}: {
  conn: Database;
  ctx: UpsertDigestInput["ctx"];
  octokit: InstallationOctokit;
  repoConfig: RepoConfig;
  key: DigestKey;
  record: DigestRecord | undefined;
  home: string;
  /** Every finding's state after this update, with how the digest shows it. */
  rows: readonly StoredFindingRow[];
  /** False when `rows` are the stored ones, unchanged: they are not written again. */
  saveRows: boolean;
  /** `generated_at` of the first scan that produced these findings. */
  findingsSince: string;
  /** What the state comes from: the artifact applied now, or the one applied last. */
  applied: { generatedAt: string; complete: boolean; contentSha256: string };
  /** Findings to announce as new (none for a change of suppressions). */
  newCount: number;
  notices?: readonly string[];
  fullListHint?: string;
  repoIssues?: RepoIssuesStep;
}): Promise<UpsertDigestOutcome> {
  const state = viewAsShown(rows);
  const view: DigestView = {
    auditId: key.auditId,
    title: repoConfig.digest.title,
    generatedAt: findingsSince,
    complete: artifact.complete,
    host: ctx.config.github.webHost,
    findings: state.findings,
    totals: state.totals,
    patternFeedback: digestPatternFeedback({ rows, dismissals: await loadDismissals(conn, key) }),
    ...(givenNotices?.length ? { notices: givenNotices } : {}),
    ...(fullListHint ? { fullListHint } : {}),
  };

  // 3. Find the digest issue, or file it.
  const digest = await findOrFileDigest({ conn, octokit, ctx, repoConfig, key, record, home, first: renderDigest(view), open: state.totals.open });
  if (!digest) return { action: "skipped", reason: "nothing-to-report" };
  const url = issueUrl(ctx.config.github, digest.repository, digest.number);

  // 4. Per-repository issues, before the digest body that links them.
  const perRepo = repoIssues
    ? await repoIssues({ conn, key, findings: state.findings, complete: artifact.complete, generatedAt: findingsSince, digestUrl: url })
    : { links: [], notices: [] };

  // 5. Render, and patch once.
  const notices = [...(givenNotices ?? []), ...perRepo.notices];
  const rendered = renderDigest({
    ...view,
    ...(notices.length ? { notices } : {}),
    ...(perRepo.links.length ? { perRepoIssues: perRepo.links } : {}),
  });
  const applied = await applyDigest({
    octokit,
    digest,
    rendered,
    wantClosed: artifact.complete && state.totals.open === 0,
    newCount,
  });

  // 6. Save (with the comment people must hear, if any), then post that comment.
  const pendingComment = applied.comment
    ? owedComment({
        kind: applied.comment,
        contentSha256: artifact.contentSha256,
        body: renderLifecycleComment({ kind: applied.comment, findings: state.findings, totals: state.totals, reopened: applied.action === "reopened", host: ctx.config.github.webHost }),
      })
    : null;
  const saved: DigestRecord = {
    repository: digest.repository,
    issueNumber: digest.number,
    lastGeneratedAt: artifact.generatedAt,
    lastContentSha256: artifact.contentSha256,
    state: applied.state,
    complete: artifact.complete,
    pendingComment,
    findingsSince,
  };
  await saveDigest({ db: conn, key, record: saved, ...(saveRows ? { findings: rows } : {}) });
  if (pendingComment) {
    await postPendingComment({ conn, octokit, key, repository: digest.repository, issueNumber: digest.number, comment: pendingComment, fresh: true });
  }
  const { action, comment } = applied;
  ctx.log.info(
    { repository: digest.repository, issueNumber: digest.number, action, comment, totals: state.totals, omitted: rendered.omitted },
    "digest upserted",
  );
  return { action, repository: digest.repository, issueNumber: digest.number, url, totals: state.totals, comment };
}

/**
 * The digest issue as it is now: the recorded one, else the one found by label and marker in
 * the home repository. When there is none (or it is locked or deleted) and findings are open, a
 * new one is filed with the `first` rendering (a locked or deleted one is replaced, and recorded
 * in its place when the update is saved). Undefined when there is nothing to report.
 */
async function findOrFileDigest({
  conn,
  octokit,
  ctx,
  repoConfig,
  key,
  record,
  home,
  first,
  open,
}: {
  conn: Database;
  octokit: InstallationOctokit;
  ctx: UpsertDigestInput["ctx"];
  repoConfig: RepoConfig;
  key: DigestKey;
  record: DigestRecord | undefined;
  home: string;
  first: RenderedDigest;
  open: number;
}): Promise<DigestIssue | undefined> {
  const [homeOwner, homeRepo] = home.split("/") as [string, string];
  const findByMarker = () =>
    findLabelledIssue({
      octokit,
      owner: homeOwner,
      repo: homeRepo,
      appId: ctx.config.github.appId,
      matches: (body) => parseDigestMarker(body)?.auditId === key.auditId,
    });
  if (record) {
    const live = await getLiveIssue({ octokit, repository: record.repository, issueNumber: record.issueNumber });
    if (live) return { ...live, repository: record.repository, state: live.state === "closed" ? "closed" : "open", created: false };
  } else {
    const found = await findByMarker();
    if (found) return { ...found, repository: home, state: found.state === "closed" ? "closed" : "open", created: false };
  }
  if (open === 0) return undefined;
  const labels = [...new Set([DIGEST_LABEL, ...repoConfig.digest.labels])];
  await ensureLabels({ db: conn, octokit, installationId: key.installationId, owner: homeOwner, repo: homeRepo, labels });
  // A create that failed may have filed the issue: it is looked for by label and marker before another is filed.
  const created = await createOnce({
    create: async () => {
      const { data } = await octokit.rest.issues.create({ owner: homeOwner, repo: homeRepo, title: first.title, body: first.body, labels });
      return { number: data.number, body: first.body, title: first.title };
    },
    find: findByMarker,
  });
  ctx.log.info({ repository: home, issueNumber: created.number }, "digest issue filed");
  return { repository: home, number: created.number, state: "open", body: created.body, title: created.title, created: true };
}

/** Patches the digest once when its body, title or state must change (see `applyIssueUpdate`). */
async function applyDigest({
  octokit,
  digest,
  rendered,
  wantClosed,
  newCount,
}: {
  octokit: InstallationOctokit;
  digest: DigestIssue;
  rendered: RenderedDigest;
  wantClosed: boolean;
  newCount: number;
}): Promise<{ action: Exclude<UpsertDigestOutcome["action"], "skipped">; state: "open" | "closed"; comment: IssueLifecycle["comment"] }> {
  const { lifecycle, patched } = await applyIssueUpdate({ octokit, issue: digest, rendered, wantClosed, newCount, created: digest.created });
  const action = digest.created
    ? "created"
    : lifecycle.change?.state === "closed"
      ? "closed"
      : lifecycle.change?.state === "open"
        ? "reopened"
        : patched.length > 0
          ? "updated"
          : "unchanged";
  return { action, state: lifecycle.state, comment: lifecycle.comment };
}

/** Posts the comment an update owes (see `postOwedComment`), then clears the debt. */
async function postPendingComment({
  conn,
  octokit,
  key,
  repository,
  issueNumber,
  comment,
  fresh = false,
}: {
  conn: Database;
  octokit: InstallationOctokit;
  key: DigestKey;
  repository: string;
  issueNumber: number;
  comment: OwedComment;
  fresh?: boolean;
}): Promise<void> {
  await postOwedComment({ octokit, repository, issueNumber, comment, fresh });
  await clearPendingComment(conn, key);
}
