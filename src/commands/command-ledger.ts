import type { Queryable } from "../db/database.js";

export interface CommandComment {
  installationId: number;
  commentId: number;
  /** `owner/name` of the repository the comment is in. */
  repository: string;
  issueNumber: number;
  author: string;
  /** The command line as written. */
  command: string;
}

export type CommandOutcome = "done" | "refused" | "failed" | "ignored";

/** What the ledger says about a comment this job is to run. */
export type CommandClaim =
  /** First time, or this job's own retry before it finished: run it. */
  | { run: true; receivedAt: string }
  /** It already ran, or another job has it: nothing more to do. */
  | { run: false };

/**
 * Claims a command comment for one job: a comment runs at most once, whatever delivers it
 * again. The job's own retries keep the claim until it is finished.
 */
export async function claimCommand(db: Queryable, { comment, jobId }: { comment: CommandComment; jobId: string }): Promise<CommandClaim> {
  await db.query(
    `INSERT INTO audit_commands (installation_id, comment_id, repository, issue_number, author, command, job_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (installation_id, comment_id) DO NOTHING`,
    [comment.installationId, comment.commentId, comment.repository, comment.issueNumber, comment.author, comment.command, jobId],
  );
  const { rows } = await db.query<{ job_id: string; finished_at: Date | null; received_at: Date | string }>(
    "SELECT job_id, finished_at, received_at FROM audit_commands WHERE installation_id = $1 AND comment_id = $2",
    [comment.installationId, comment.commentId],
  );
  const row = rows[0];
  if (!row || row.job_id !== jobId || row.finished_at !== null) return { run: false };
  return { run: true, receivedAt: new Date(row.received_at).toISOString() };
}

/** The command ran (or was refused): its outcome, and the reply it was given. */
export async function finishCommand(
  db: Queryable,
  { comment, outcome, reply }: { comment: Pick<CommandComment, "installationId" | "commentId">; outcome: CommandOutcome; reply: string | null },
): Promise<void> {
  await db.query(
    `UPDATE audit_commands SET outcome = $3, reply = $4, replied = $5, finished_at = now()
     WHERE installation_id = $1 AND comment_id = $2`,
    [comment.installationId, comment.commentId, outcome, reply, reply !== null],
  );
}
