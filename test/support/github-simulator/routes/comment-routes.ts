import { commentJson, reactionJson } from "../issue-json.js";
import { addCommentRecord, checkBodyLength, findComment, findIssue } from "../issue-records.js";
import { paginate } from "../paginate.js";
import { bodyObject, numberParam, requireRepo, type RouteDefinition } from "../route-definition.js";
import { actingUser } from "./acting-user.js";

const READ = [["issues", "read"]] as const;
const WRITE = [["issues", "write"]] as const;

export const commentRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      const since = typeof context.query.since === "string" ? Date.parse(context.query.since) : undefined;
      const comments = issue.comments.filter((comment) => since === undefined || comment.updatedAt >= since);
      const page = paginate(comments, context.query, context.requestUrl);
      return {
        body: page.items.map((comment) => commentJson(repo, comment, context.state.app, context.urls)),
        headers: page.headers,
      };
    },
  },
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    permission: WRITE,
    write: true,
    contentCreating: true,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      const body = String(bodyObject(context).body);
      const comment = addCommentRecord(context.state, issue, { body, user: actingUser(context), viaApp: true });
      return { status: 201, body: commentJson(repo, comment, context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const { comment } = findComment(repo, numberParam(context, "comment_id"));
      return { body: commentJson(repo, comment, context.state.app, context.urls) };
    },
  },
  {
    method: "PATCH",
    route: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const { comment } = findComment(repo, numberParam(context, "comment_id"));
      const body = String(bodyObject(context).body);
      checkBodyLength(body, "IssueComment");
      comment.body = body;
      comment.updatedAt = context.state.now();
      return { body: commentJson(repo, comment, context.state.app, context.urls) };
    },
  },
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    auth: "installation",
    permission: WRITE,
    write: true,
    contentCreating: true,
    handler(context) {
      const repo = requireRepo(context);
      const { comment } = findComment(repo, numberParam(context, "comment_id"));
      const content = String(bodyObject(context).content);
      const user = actingUser(context);
      const existing = comment.reactions.find((reaction) => reaction.content === content && reaction.user === user);
      if (existing) return { status: 200, body: reactionJson(existing, context.urls) };
      const reaction = { id: context.state.nextId(), content, user, createdAt: context.state.now() };
      comment.reactions.push(reaction);
      return { status: 201, body: reactionJson(reaction, context.urls) };
    },
  },
];
