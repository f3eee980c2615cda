import { appJson, userJson } from "./account-json.js";
import { nodeId, type ApiUrls } from "./api-urls.js";
import { isoTime } from "./iso-time.js";
import type { SimApp, SimComment, SimIssue, SimLabel, SimReaction, SimRepository } from "./simulator-state.js";

export function labelJson(repo: SimRepository, label: SimLabel, urls: ApiUrls): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

function reactionsSummary(reactions: SimReaction[], url: string): Record<string, unknown> {
  const count = (content: string): number => reactions.filter((reaction) => reaction.content === content).length;
  return {
    url,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

export function issueJson(repo: SimRepository, issue: SimIssue, app: SimApp, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`;
  return {
    id: issue.id,
    node_id: nodeId("Issue", issue.id),
    url: api,
    repository_url: `${urls.api}/repos/${repo.fullName}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${urls.html}/${repo.fullName}/${issue.pullRequest ? "pull" : "issues"}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user, urls),
    labels: issue.labels.map((label) => labelJson(repo, label, urls)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: issue.locked,
    active_lock_reason: issue.activeLockReason,
    comments: issue.comments.length,
    closed_at: issue.closedAt === null ? null : isoTime(issue.closedAt),
    closed_by: issue.closedBy ? userJson(issue.closedBy, urls) : null,
    created_at: isoTime(issue.createdAt),
    updated_at: isoTime(issue.updatedAt),
    author_association: issue.viaApp ? "NONE" : "MEMBER",
    performed_via_github_app: issue.viaApp ? appJson(app, urls) : null,
    reactions: reactionsSummary([], `${api}/reactions`),
    ...(issue.pullRequest
      ? {
          pull_request: {
            url: `${urls.api}/repos/${repo.fullName}/pulls/${issue.number}`,
            html_url: `${urls.html}/${repo.fullName}/pull/${issue.number}`,
            diff_url: `${urls.html}/${repo.fullName}/pull/${issue.number}.diff`,
            patch_url: `${urls.html}/${repo.fullName}/pull/${issue.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

export function commentJson(repo: SimRepository, comment: SimComment, app: SimApp, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: api,
    html_url: `${urls.html}/${repo.fullName}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${urls.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(comment.user, urls),
    created_at: isoTime(comment.createdAt),
    updated_at: isoTime(comment.updatedAt),
    author_association: comment.viaApp ? "NONE" : "MEMBER",
    performed_via_github_app: comment.viaApp ? appJson(app, urls) : null,
    reactions: reactionsSummary(comment.reactions, `${api}/reactions`),
  };
}

export function reactionJson(reaction: SimReaction, urls: ApiUrls): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: nodeId("Reaction", reaction.id),
    user: userJson(reaction.user, urls),
    content: reaction.content,
    created_at: isoTime(reaction.createdAt),
  };
}
