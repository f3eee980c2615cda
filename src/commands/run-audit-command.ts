import { fetchRepoConfig } from "../config/fetch-repo-config.js";
import type { Database } from "../db/database.js";
import { DISMISS_REASON_TEXT, liftDismissal, liftMute, recordDismissal, recordMute, type SuppressionActor } from "../digest/digest-suppressions.js";
import type { DigestKey } from "../digest/digest-store.js";
import { refreshDigest } from "../digest/upsert-digest.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { findLatestIngestForSha } from "../ingest/ingest-ledger.js";
import { enqueueWebhookJob } from "../jobs/enqueue-webhook-job.js";
import type { JobContext } from "../jobs/job-context.js";
import type { QueuedJob } from "../jobs/job-queue.js";
import { codeSpan } from "../markdown/markdown-code.js";
import { neutralizeMentions } from "../markdown/neutralize-mentions.js";
import { repoIssuesStep } from "../repo-issues/repo-issues-step.js";
import { AUDIT_COMMAND_HELP } from "./audit-command-help.js";
import { checkCommenterPermission } from "./check-commenter-permission.js";
import { claimCommand, finishCommand, type CommandComment, type CommandOutcome } from "./command-ledger.js";
import { describeStatus } from "./describe-status.js";
import { findCommandTarget, type CommandTarget } from "./find-command-target.js";
import { parseAuditCommand, type AuditCommand } from "./parse-audit-command.js";
import { postCommandReply } from "./post-command-reply.js";
import { resolveFingerprint } from "./resolve-fingerprint.js";
import { logFields } from "../logging/log-fields.js";

/** What running a command came to: the reply it gets, and the reaction that goes with it. */
interface CommandResult {
  outcome: Exclude<CommandOutcome, "ignored">;
  message: string;
}

/**
 * Job handler: an `/audit` comment on an issue or pull request. It runs at most once per
 * comment (the ledger holds the comment id; this job's own retries continue it):
 * 1. the comment must be on a digest, a per-repository issue the app filed, or a pull request;
 *    on any other issue it is ignored without a reply;
 * 2. the command is parsed; a malformed one gets a reply saying what was expected;
 * 3. commands that change anything need write, maintain or admin on the comment's repository,
 *    asked from GitHub; when GitHub cannot tell, the command is refused;
 * 4. it runs; a change of suppressions goes through the digest's locked update;
 * 5. one reply, and a reaction on the command: `+1` done, `confused` refused or failed.
 */
export async function runAuditCommand(job: QueuedJob<"audit-command">, ctx: JobContext): Promise<void> {
  const { owner, repo, commentId, issueNumber, isPullRequest, author, line } = job.data;
  const comment: CommandComment = { installationId: ctx.installationId, commentId, repository: `${owner}/${repo}`, issueNumber, author, command: line };
  const claim = await claimCommand(ctx.db, { comment, jobId: job.id });
  if (!claim.run) {
    ctx.log.info({ commentId, repository: comment.repository }, "command comment already handled; nothing to do");
    return;
  }
  const octokit = await ctx.github();
  const target = await findCommandTarget({ db: ctx.db, octokit, installationId: ctx.installationId, repository: comment.repository, issueNumber, isPullRequest });
  if (!target) {
    await finishCommand(ctx.db, { comment, outcome: "ignored", reply: null });
    ctx.metrics.commands.inc({ command: commandLabel(line), outcome: "ignored" });
    ctx.log.info({ commentId, repository: comment.repository, issueNumber }, "command on an issue the app does not manage ignored");
    return;
  }
  // The digest the command is about, when it names one, is on every line from here on.
  const auditId = target.kind === "pull-request" ? target.auditId : target.digest.auditId;
  const log = auditId === null ? ctx.log : ctx.log.child(logFields.audit(auditId));
  const result = await decide({ ctx: { ...ctx, log }, octokit, comment, target });
  const reply = `${codeSpan(line.slice(0, 300))}\n\n${result.message}`;
  await postCommandReply({ octokit, comment, body: reply, reaction: result.outcome === "done" ? "+1" : "confused", since: claim.receivedAt });
  await finishCommand(ctx.db, { comment, outcome: result.outcome, reply });
  ctx.metrics.commands.inc({ command: commandLabel(line), outcome: result.outcome });
  log.info({ commentId, repository: comment.repository, issueNumber, outcome: result.outcome }, "command handled");
}

/** The `command` label of a comment: the command's name, or `invalid` when it does not parse. */
function commandLabel(line: string): string {
  const parsed = parseAuditCommand(line);
  return parsed?.ok ? parsed.command.name : "invalid";
}

async function decide({
  ctx,
  octokit,
  comment,
  target,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  comment: CommandComment;
  target: CommandTarget;
}): Promise<CommandResult> {
  const parsed = parseAuditCommand(comment.command);
  if (parsed === null || !parsed.ok) {
    const problem = parsed === null ? "not a command" : parsed.problem;
    return {
      outcome: "failed",
      message: `That is not a command I can run (${neutralizeMentions(problem)}). The commands:\n\n${AUDIT_COMMAND_HELP}`,
    };
  }
  const command = parsed.command;
  if (command.name === "help") return { outcome: "done", message: `The commands:\n\n${AUDIT_COMMAND_HELP}` };
  if (command.name === "status") {
    return { outcome: "done", message: await describeStatus({ db: ctx.db, target, installationId: ctx.installationId, web: ctx.config.github }) };
  }
  const [owner, repo] = comment.repository.split("/") as [string, string];
  const permission = await checkCommenterPermission({ octokit, owner, repo, username: comment.author });
  if (!permission.allowed) {
    const had = permission.role ? ` (yours is ${codeSpan(permission.role)})` : permission.problem ? ` (${permission.problem})` : "";
    return {
      outcome: "refused",
      message: `Sorry, this command needs write, maintain or admin permission on ${codeSpan(comment.repository)}${had}. Nothing was changed.`,
    };
  }
  if (command.name === "rerun") return rerun({ ctx, comment, target });
  return changeSuppressions({ ctx, octokit, comment, target, command });
}

/** Enqueues the same re-run as the check run's "Re-run ingest" button, once per comment. */
async function rerun({ ctx, comment, target }: { ctx: JobContext; comment: CommandComment; target: CommandTarget }): Promise<CommandResult> {
  const run =
    target.kind === "pull-request"
      ? { repository: comment.repository, headSha: target.headSha }
      : await latestIngestOfAudit(ctx.db, { installationId: ctx.installationId, auditId: target.digest.auditId });
  if (!run || !(await findLatestIngestForSha(ctx.db, { installationId: ctx.installationId, repository: run.repository, headSha: run.headSha }))) {
    return { outcome: "failed", message: "There is no ingested run to take in again yet; the next completed run is ingested by itself." };
  }
  const [owner, repo] = run.repository.split("/") as [string, string];
  await enqueueWebhookJob({
    db: ctx.db,
    queue: ctx.queue,
    event: "issue_comment",
    action: "created",
    name: "rerun-ingest",
    data: { owner, repo, headSha: run.headSha, installationId: ctx.installationId, deliveryId: `audit-command:${comment.commentId}` },
  });
  return { outcome: "done", message: `The latest run of commit ${codeSpan(run.headSha.slice(0, 12))} in ${codeSpan(run.repository)} is being ingested again.` };
}

async function latestIngestOfAudit(db: Database, { installationId, auditId }: { installationId: number; auditId: string }): Promise<{ repository: string; headSha: string } | undefined> {
  const { rows } = await db.query<{ repository: string; head_sha: string }>(
    `SELECT repository, head_sha FROM ingests WHERE installation_id = $1 AND audit_id = $2 ORDER BY ingested_at DESC, id DESC LIMIT 1`,
    [installationId, auditId],
  );
  const row = rows[0];
  return row ? { repository: row.repository, headSha: row.head_sha } : undefined;
}

/** `fp`, `wontfix`, `reopen`, `mute`, `unmute`: the change and the digest's update, under its lock. */
async function changeSuppressions({
  ctx,
  octokit,
  comment,
  target,
  command,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  comment: CommandComment;
  target: CommandTarget;
  command: Exclude<AuditCommand, { name: "help" | "status" | "rerun" }>;
}): Promise<CommandResult> {
  const key = target.digest;
  if (key === null) {
    return {
      outcome: "failed",
      message:
        target.kind === "pull-request" && target.auditId !== null
          ? "The digest of this commit's audit lives in another repository: run this command on the digest issue."
          : "No digest is recorded for this pull request's head commit yet.",
    };
  }
  // A per-repository issue speaks for its own repository's findings only.
  const onlyRepo = target.kind === "repo-issue" ? comment.repository : undefined;
  const by: SuppressionActor = { actor: comment.author, commentId: comment.commentId };
  let change: (conn: Database) => Promise<void>;
  let message: string;
  if (command.name === "dismiss" || command.name === "reopen") {
    const resolved = await resolveFingerprint({ db: ctx.db, key, prefix: command.fingerprint, ...(onlyRepo ? { repo: onlyRepo } : {}) });
    if (!resolved.ok) return { outcome: "failed", message: `Nothing was changed: ${resolved.problem}.` };
    const { fingerprint, pattern, repo, path } = resolved.finding;
    const named = `${codeSpan(fingerprint.slice(0, 12))} (${codeSpan(repo)} · ${codeSpan(path)} · ${codeSpan(pattern)})`;
    if (command.name === "dismiss") {
      change = (conn) => recordDismissal({ db: conn, key, fingerprint, pattern, reason: command.reason, ...(command.note ? { note: command.note } : {}), by });
      message = `Dismissed ${named} as ${DISMISS_REASON_TEXT[command.reason]}: it is listed under "Suppressed" and no longer counts as open.`;
    } else {
      let lifted = false;
      change = async (conn) => {
        lifted = await liftDismissal({ db: conn, key, fingerprint, pattern, by });
      };
      const outcome = await applyChange({ ctx, octokit, key, change });
      if (!outcome.ok) return { outcome: "failed", message: outcome.message };
      return lifted
        ? { outcome: "done", message: `Reopened ${named}: it counts as open again.` }
        : { outcome: "failed", message: `${named} was not dismissed; nothing was changed.` };
    }
  } else {
    const repoScope = onlyRepo ?? command.repo;
    const what = `${codeSpan(command.pattern)}${repoScope ? ` in ${codeSpan(repoScope)}` : ""}`;
    if (command.name === "mute") {
      const today = new Date().toISOString().slice(0, 10);
      if (command.until !== undefined && command.until < today) {
        return {
          outcome: "failed",
          message: `Nothing was changed: ${codeSpan(`--until ${command.until}`)} is in the past; expected \`--until YYYY-MM-DD\` of today (${today}, UTC) or later (a mute holds through that day).`,
        };
      }
      change = (conn) => recordMute({ db: conn, key, pattern: command.pattern, ...(repoScope ? { repo: repoScope } : {}), ...(command.until ? { until: command.until } : {}), by });
      message = `Muted ${what}${command.until ? ` until ${command.until}` : ""} for audit ${codeSpan(key.auditId)}.`;
    } else {
      let lifted = false;
      change = async (conn) => {
        lifted = await liftMute({ db: conn, key, pattern: command.pattern, ...(repoScope ? { repo: repoScope } : {}), by });
      };
      const outcome = await applyChange({ ctx, octokit, key, change });
      if (!outcome.ok) return { outcome: "failed", message: outcome.message };
      return lifted ? { outcome: "done", message: `Unmuted ${what}.` } : { outcome: "failed", message: `${what} was not muted; nothing was changed.` };
    }
  }
  const outcome = await applyChange({ ctx, octokit, key, change });
  return outcome.ok ? { outcome: "done", message } : { outcome: "failed", message: outcome.message };
}

/** Makes the change inside the digest's lock and updates the digest with it. */
async function applyChange({
  ctx,
  octokit,
  key,
  change,
}: {
  ctx: JobContext;
  octokit: InstallationOctokit;
  key: DigestKey;
  change: (conn: Database) => Promise<void>;
}): Promise<{ ok: true } | { ok: false; message: string }> {
  const [homeOwner, homeRepo] = key.home.split("/") as [string, string];
  const loaded = await fetchRepoConfig({ octokit, owner: homeOwner, repo: homeRepo });
  if (!loaded.ok) {
    return { ok: false, message: `Nothing was changed: the configuration of ${codeSpan(key.home)} is invalid (${neutralizeMentions(loaded.error.message)}).` };
  }
  const config = loaded.config;
  const fullListHint = "run `audit-digest render` on the latest artifact";
  const outcome = await refreshDigest({
    ctx,
    octokit,
    repoConfig: config,
    key,
    change,
    fullListHint,
    repoIssues: repoIssuesStep({ config, home: key.home, octokit, log: ctx.log, github: ctx.config.github, fullListHint }),
  });
  if (outcome.action !== "skipped") ctx.metrics.digests.inc({ outcome: outcome.action });
  return { ok: true };
}
