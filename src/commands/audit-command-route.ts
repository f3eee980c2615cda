import { defineWebhookRoute } from "../webhooks/webhook-route.js";
import { COMMAND_PREFIX } from "./parse-audit-command.js";

/** The longest command line a job carries; the grammar's arguments are far shorter. */
const LINE_MAX = 1_000;

/**
 * A new comment whose first non-empty line starts with `/audit` becomes an `audit-command`
 * job. Comments from bots (this app's own replies included) are not commands. Only `created`
 * is routed: an edited comment does not run again.
 */
export const auditCommandRoute = defineWebhookRoute({
  events: ["issue_comment.created"],
  job: "audit-command",
  toJob: ({ payload }) => {
    const { comment, issue, repository, sender } = payload;
    if (comment.user?.type === "Bot" || sender.type === "Bot" || comment.performed_via_github_app) return null;
    const line = comment.body.split(/\r?\n/).find((candidate) => candidate.trim() !== "")?.trim();
    if (line === undefined || (line !== COMMAND_PREFIX && !/^\/audit\s/.test(line))) return null;
    return {
      owner: repository.owner.login,
      repo: repository.name,
      commentId: comment.id,
      issueNumber: issue.number,
      isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
      author: comment.user?.login ?? sender.login,
      line: line.slice(0, LINE_MAX),
    };
  },
});
