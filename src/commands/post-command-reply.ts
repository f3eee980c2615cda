import type { InstallationOctokit } from "../github/installation-octokit.js";
import { postOwedComment } from "../issues/post-owed-comment.js";
import type { CommandComment } from "./command-ledger.js";

/**
 * The one reply a command gets, and its reaction on the command. The reply carries a hidden
 * marker naming the command's comment, so a retried job that finds it posted posts nothing
 * again; GitHub keeps one reaction of a kind per user, so adding it again changes nothing.
 */
export async function postCommandReply({
  octokit,
  comment,
  body,
  reaction,
  since,
}: {
  octokit: InstallationOctokit;
  comment: CommandComment;
  body: string;
  reaction: "+1" | "confused";
  /** When the command was taken in: only comments since then can be its reply. */
  since: string;
}): Promise<void> {
  const marker = `<!-- audit-digest:reply comment_id=${comment.commentId} -->`;
  await postOwedComment({
    octokit,
    repository: comment.repository,
    issueNumber: comment.issueNumber,
    comment: { marker, body: `${body}\n\n${marker}`, savedAt: since },
  });
  const [owner, repo] = comment.repository.split("/") as [string, string];
  await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: comment.commentId, content: reaction });
}
