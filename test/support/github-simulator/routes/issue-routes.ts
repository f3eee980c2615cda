import { issueJson } from "../issue-json.js";
import { createIssueRecord, findIssue, updateIssueRecord, type IssueChanges, type LabelInput } from "../issue-records.js";
import { paginate } from "../paginate.js";
import { GitHubError } from "../github-error.js";
import { bodyObject, numberParam, requireRepo, type RouteContext, type RouteDefinition } from "../route-definition.js";
import type { SimIssue } from "../simulator-state.js";
import { actingUser } from "./acting-user.js";

const READ = [["issues", "read"]] as const;
const WRITE = [["issues", "write"]] as const;

function issuesEnabled(context: RouteContext): void {
  if (!requireRepo(context).hasIssues) throw new GitHubError(410, "Issues are disabled for this repo");
}

function sortIssues(issues: SimIssue[], sort: unknown, direction: unknown): SimIssue[] {
  const key = (issue: SimIssue): number =>
    sort === "updated" ? issue.updatedAt : sort === "comments" ? issue.comments.length : issue.createdAt;
  const sign = direction === "asc" ? 1 : -1;
  return [...issues].sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}

function listIssues(context: RouteContext) {
  issuesEnabled(context);
  const repo = requireRepo(context);
  const { state, labels, creator, since, sort, direction } = context.query;
  const wantedLabels = typeof labels === "string" && labels !== "" ? labels.split(",").map((name) => name.trim().toLowerCase()) : [];
  const sinceMs = typeof since === "string" ? Date.parse(since) : undefined;
  const matching = repo.issues.filter(
    (issue) =>
      (state === "all" || issue.state === state) &&
      wantedLabels.every((wanted) => issue.labels.some((label) => label.name.toLowerCase() === wanted)) &&
      (typeof creator !== "string" || issue.user.login.toLowerCase() === creator.toLowerCase()) &&
      (sinceMs === undefined || issue.updatedAt >= sinceMs),
  );
  const page = paginate(sortIssues(matching, sort, direction), context.query, context.requestUrl);
  return {
    body: page.items.map((issue) => issueJson(repo, issue, context.state.app, context.urls)),
    headers: page.headers,
  };
}

/** The schema allows a string or an integer title; GitHub stores text. */
function titleText(value: unknown): string {
  return typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
}

function changesFrom(body: Record<string, unknown>): IssueChanges {
  const changes: IssueChanges = {};
  if (body.title !== undefined && body.title !== null) changes.title = titleText(body.title);
  if (body.body !== undefined) changes.body = body.body as string | null;
  if (body.state === "open" || body.state === "closed") changes.state = body.state;
  if (body.state_reason !== undefined) changes.stateReason = body.state_reason as IssueChanges["stateReason"];
  if (Array.isArray(body.labels)) changes.labels = body.labels as LabelInput[];
  return changes;
}

export const issueRoutes: RouteDefinition[] = [
  { method: "GET", route: "/repos/{owner}/{repo}/issues", auth: "installation", permission: READ, handler: listIssues },
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/issues",
    auth: "installation",
    permission: WRITE,
    write: true,
    contentCreating: true,
    handler(context) {
      const repo = requireRepo(context);
      const body = bodyObject(context);
      const issue = createIssueRecord(context.state, repo, {
        title: titleText(body.title),
        body: (body.body as string | undefined) ?? null,
        labels: (body.labels as LabelInput[] | undefined) ?? [],
        user: actingUser(context),
        viaApp: true,
      });
      return { status: 201, body: issueJson(repo, issue, context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/issues/{issue_number}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      return { body: issueJson(repo, issue, context.state.app, context.urls) };
    },
  },
  {
    method: "PATCH",
    route: "/repos/{owner}/{repo}/issues/{issue_number}",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      updateIssueRecord(context.state, repo, issue, changesFrom(bodyObject(context)), actingUser(context));
      return { body: issueJson(repo, issue, context.state.app, context.urls) };
    },
  },
  {
    method: "PUT",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/lock",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const issue = findIssue(requireRepo(context), numberParam(context, "issue_number"));
      issue.locked = true;
      issue.activeLockReason = (bodyObject(context).lock_reason as string | undefined) ?? null;
      issue.updatedAt = context.state.now();
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/lock",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const issue = findIssue(requireRepo(context), numberParam(context, "issue_number"));
      issue.locked = false;
      issue.activeLockReason = null;
      issue.updatedAt = context.state.now();
      return { status: 204 };
    },
  },
];
