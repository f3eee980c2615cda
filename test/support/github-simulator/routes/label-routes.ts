import { GitHubError, notFound, validationFailed } from "../github-error.js";
import { labelJson } from "../issue-json.js";
import { findIssue, findLabel, resolveLabels, type LabelInput } from "../issue-records.js";
import { paginate } from "../paginate.js";
import { bodyObject, numberParam, requireRepo, type RouteContext, type RouteDefinition } from "../route-definition.js";

const READ = [["issues", "read"], ["pull_requests", "read"]] as const;
const WRITE = [["issues", "write"], ["pull_requests", "write"]] as const;

/** The label names of `POST .../issues/{n}/labels`, which accepts several body shapes. */
function labelInputs(body: unknown): LabelInput[] {
  if (typeof body === "string") return [body];
  if (Array.isArray(body)) return body as LabelInput[];
  if (typeof body === "object" && body !== null) {
    const labels = (body as { labels?: unknown }).labels;
    if (Array.isArray(labels)) return labels as LabelInput[];
  }
  return [];
}

function labelName(context: RouteContext): string {
  return String(context.params.name);
}

export const labelRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/labels",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const page = paginate(repo.labels, context.query, context.requestUrl);
      return { body: page.items.map((label) => labelJson(repo, label, context.urls)), headers: page.headers };
    },
  },
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/labels",
    auth: "installation",
    permission: WRITE,
    write: true,
    contentCreating: true,
    handler(context) {
      const repo = requireRepo(context);
      const body = bodyObject(context);
      const name = String(body.name);
      if (findLabel(repo, name)) throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
      const color = typeof body.color === "string" ? body.color.replace(/^#/, "") : "ededed";
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed({ resource: "Label", code: "invalid", field: "color" });
      const label = { id: context.state.nextId(), name, color, description: typeof body.description === "string" ? body.description : null };
      repo.labels.push(label);
      return { status: 201, body: labelJson(repo, label, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/labels/{name}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const label = findLabel(repo, labelName(context));
      if (!label) throw notFound();
      return { body: labelJson(repo, label, context.urls) };
    },
  },
  {
    method: "PATCH",
    route: "/repos/{owner}/{repo}/labels/{name}",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const label = findLabel(repo, labelName(context));
      if (!label) throw notFound();
      const body = bodyObject(context);
      if (typeof body.new_name === "string") {
        const clash = findLabel(repo, body.new_name);
        if (clash && clash !== label) throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
        label.name = body.new_name;
      }
      if (typeof body.color === "string") label.color = body.color.replace(/^#/, "");
      if (typeof body.description === "string") label.description = body.description;
      return { body: labelJson(repo, label, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      return { body: issue.labels.map((label) => labelJson(repo, label, context.urls)) };
    },
  },
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    auth: "installation",
    permission: WRITE,
    write: true,
    contentCreating: true,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      for (const label of resolveLabels(context.state, repo, labelInputs(context.body))) {
        if (!issue.labels.includes(label)) issue.labels.push(label);
      }
      issue.updatedAt = context.state.now();
      return { body: issue.labels.map((label) => labelJson(repo, label, context.urls)) };
    },
  },
  {
    method: "DELETE",
    route: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "issue_number"));
      const wanted = labelName(context).toLowerCase();
      const remaining = issue.labels.filter((label) => label.name.toLowerCase() !== wanted);
      if (remaining.length === issue.labels.length) throw new GitHubError(404, "Label does not exist");
      issue.labels = remaining;
      issue.updatedAt = context.state.now();
      return { body: issue.labels.map((label) => labelJson(repo, label, context.urls)) };
    },
  },
];
